// A real server's keep-alive behaviour: nginx (TLS, keepalive_requests 50, keepalive_timeout
// 2 s) in front of the emulator. 2,000 calls from 32 concurrent coroutines, with pauses longer
// than the keep-alive timeout in between, complete with zero errors; new connections after
// nginx closed the old ones resume their TLS session.
#include "pool/nginx_harness.hpp"
#include "pool/pool_support.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/test/unit_test.hpp>

using namespace rerank;
using namespace rerank::test;
using namespace std::chrono_literals;
namespace net = boost::asio;
using ms = std::chrono::milliseconds;

namespace {

// `workers` coroutines sharing `calls` calls; returns when all are done (or `limit` passed).
net::awaitable<void> burst(client& c, const request& req, int workers, int calls, int& succeeded,
                           std::vector<std::string>& errors) {
    int next = 0, finished = 0;
    auto ex = co_await net::this_coro::executor;
    for (int w = 0; w < workers; ++w)
        net::co_spawn(
            ex,
            [&]() -> net::awaitable<void> {
                while (next < calls) {
                    ++next;
                    call_outcome out = co_await call(c, req);
                    if (!out.ec && out.res.results.size() == req.documents.size())
                        ++succeeded;
                    else if (errors.size() < 20)
                        errors.push_back(out.ec.message() + ": " + out.diag.to_string() + " [" +
                                         out.diag.attempt_history + "]");
                }
                ++finished;
            },
            net::detached);
    BOOST_TEST_REQUIRE(co_await wait_until([&] { return finished == workers; }, 120s),
                       finished << " of " << workers << " workers finished");
}

} // namespace

BOOST_AUTO_TEST_SUITE(behind_nginx)

BOOST_AUTO_TEST_CASE(two_thousand_calls_across_keep_alive_closes) {
    emulator::options server_opts; // plain HTTP behind nginx
    server_opts.threads = 2;
    emulator::server upstream(server_opts);
    upstream.start();
    nginx_harness::options proxy_opts;
    proxy_opts.upstream_port = upstream.port();
    nginx_harness nginx(proxy_opts);

    io_fixture f;
    f.run(
        [&]() -> net::awaitable<void> {
            client_options opts;
            opts.base_url = nginx.base_url();
            opts.api_key = upstream.options().api_key;
            opts.tls.ca_file = cert_path("ca.pem");
            opts.tls.use_system_trust_store = false;
            opts.timeout = 30s;
            opts.retry.initial_backoff = 20ms;
            // 8 connections for 32 coroutines: about 80 requests per connection per phase, so
            // nginx's keepalive_requests (50) closes connections in the middle of a burst too.
            opts.pool.max_connections = 8;
            client c(f.ioc.get_executor(), opts);
            const request req = sample_request();

            constexpr int phases = 3, workers = 32, total = 2000;
            int succeeded = 0;
            std::vector<std::string> errors;
            const auto start = steady::now();
            for (int phase = 0; phase < phases; ++phase) {
                if (phase > 0)
                    co_await sleep_for(
                        2500ms); // longer than keepalive_timeout: nginx closes them all
                const int calls = total / phases + (phase < total % phases ? 1 : 0);
                co_await burst(c, req, workers, calls, succeeded, errors);
                const pool_stats s = c.stats();
                BOOST_TEST_MESSAGE("after phase " << phase << ": created " << s.connections_created
                                                  << ", reused " << s.connections_reused
                                                  << ", closed by peer " << s.closed_by_peer
                                                  << ", full " << s.handshakes_full << ", resumed "
                                                  << s.handshakes_resumed << ", retries "
                                                  << s.retries);
            }
            const ms elapsed = since(start);

            std::string first_errors;
            for (const auto& e : errors)
                first_errors += e + "\n";
            BOOST_TEST(succeeded == total, first_errors << nginx.error_log());
            BOOST_TEST(errors.empty());
            const pool_stats s = c.stats();
            BOOST_TEST_MESSAGE(
                "nginx: " << total << " calls in " << elapsed.count() << " ms; attempts "
                          << s.attempts << ", retries " << s.retries << ", connections created "
                          << s.connections_created << ", reused " << s.connections_reused
                          << ", closed by peer " << s.closed_by_peer << ", handshakes full "
                          << s.handshakes_full << ", resumed " << s.handshakes_resumed);
            // 2,000 requests at 50 per connection need at least 40 connections; each pause
            // closed every idle one.
            BOOST_TEST(s.connections_created >= 40u);
            BOOST_TEST(s.connections_created + s.connections_reused == s.attempts);
            BOOST_TEST(s.closed_by_peer > 0u);
            BOOST_TEST(s.handshakes_full + s.handshakes_resumed == s.connections_created);
            // Only the first connections handshake in full; every later one resumes a session.
            // nginx refuses a TLS 1.3 ticket's second use, so this also checks that each
            // ticket is offered once.
            BOOST_TEST(s.handshakes_full <= opts.pool.max_connections);
            BOOST_TEST(s.handshakes_resumed >= s.connections_created - opts.pool.max_connections);
            BOOST_TEST(s.in_use == 0u);
            BOOST_TEST(s.waiting == 0u);
            BOOST_TEST(upstream.stats().requests == s.attempts);
        },
        200s);
    nginx.stop();
}

BOOST_AUTO_TEST_CASE(harness_reports_a_missing_upstream_as_502) {
    // The proxy itself works even with nothing behind it: a quick check that failures of the
    // nginx test above are not the harness's.
    unsigned short dead_port = 0;
    {
        emulator::server gone(emulator::options{});
        gone.start();
        dead_port = gone.port();
    }
    nginx_harness::options proxy_opts;
    proxy_opts.upstream_port = dead_port;
    nginx_harness nginx(proxy_opts);
    io_fixture f;
    f.run([&]() -> net::awaitable<void> {
        client_options opts;
        opts.base_url = nginx.base_url();
        opts.api_key = "emulator-key";
        opts.tls.ca_file = cert_path("ca.pem");
        opts.tls.use_system_trust_store = false;
        opts.retry.max_attempts = 1;
        client c(f.ioc.get_executor(), opts);
        auto out = co_await call(c, sample_request());
        BOOST_TEST(out.ec == errc::server_error, out.diag.to_string());
        BOOST_TEST(out.diag.http_status == 502u);
        BOOST_TEST(!out.diag.body_snippet.empty()); // nginx's HTML page
    });
}

BOOST_AUTO_TEST_SUITE_END()
