// The pacer against an emulator that throttles like DashScope (a per-second quota, 429
// Throttling.RateQuota over it): the adaptive rate finds the server's rate, a configured rate
// under it is never throttled, admission waits end at the deadline or on cancellation, and bad
// rate limits are refused. (The figures of the closing note come from bench/, not from here:
// the bounds below only say the mechanism works.)
#include "integration/call_helpers.hpp"
#include "integration/split_helpers.hpp"
#include "support/emulator_fixture.hpp"
#include "support/redis_server.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <string>

using namespace rerank;
using namespace rerank::test;
using namespace std::chrono_literals;
namespace net = boost::asio;

namespace {

using pacing_clock = std::chrono::steady_clock;

double seconds_since(pacing_clock::time_point start) {
    return std::chrono::duration<double>(pacing_clock::now() - start).count();
}

} // namespace

BOOST_AUTO_TEST_SUITE(client_pacing)

BOOST_FIXTURE_TEST_CASE(nothing_configured_the_client_finds_the_servers_rate, io_fixture) {
    throttling_emulator f(720); // 12 requests per second
    f.run(
        [&]() -> net::awaitable<void> {
            client c(f.ioc.get_executor(), split_in_twos(f.server));
            const auto start = pacing_clock::now();
            auto out = co_await call(c, split_request(120)); // 60 sub-requests
            const double took = seconds_since(start);
            BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());
            BOOST_TEST(out.res.results.size() == 120u);
            const auto stats = f.server.stats();
            BOOST_TEST_MESSAGE("60 sub-requests against 12/s: " << out.diag.throttled
                                                                << " throttled, " << took << " s");
            // Every throttled request was sent again, and the job did not fail.
            BOOST_TEST(out.diag.throttled == stats.throttled);
            BOOST_TEST(stats.requests == 60u + stats.throttled);
            // Adapting, most requests go through: the benchmark measures the real fraction (the
            // issue's target is 15 % of the 100-request job); a client that did not adapt would
            // see several times its requests refused.
            BOOST_TEST(out.diag.throttled <= 30u);
            BOOST_TEST(out.diag.throttled >= 1u); // it had to find the rate: nothing was configured
            const pool_stats s = c.stats();
            BOOST_TEST(s.throttled == out.diag.throttled);
            BOOST_TEST(s.in_flight_limit >= 1u);
            BOOST_TEST(s.in_flight_limit <= 8u);
            BOOST_TEST(s.admission_rate_per_minute > 0.0); // cut: a rate now applies
        },
        60s);
}

BOOST_FIXTURE_TEST_CASE(a_rate_under_the_servers_is_never_throttled, io_fixture) {
    throttling_emulator f(720);
    f.run(
        [&]() -> net::awaitable<void> {
            client_options opts = split_in_twos(f.server);
            opts.rate_limit.requests_per_minute = 648; // 10 % under
            client c(f.ioc.get_executor(), opts);
            const auto start = pacing_clock::now();
            auto out = co_await call(c, split_request(80)); // 40 sub-requests
            const double took = seconds_since(start);
            BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());
            BOOST_TEST(out.diag.throttled == 0u);
            BOOST_TEST(f.server.stats().throttled == 0u);
            BOOST_TEST(f.server.stats().requests == 40u);
            // Paced: a burst of one second's share (10.8), then 10.8 per second.
            const double paced = (40 - 10.8) / 10.8;
            BOOST_TEST(took >= paced * 0.9, took << " s");
            BOOST_TEST(c.stats().admissions_waited > 0u);
            BOOST_TEST(c.stats().admission_wait_us > 0u);
            BOOST_TEST(out.diag.admission_wait.count() > 0);
        },
        60s);
}

BOOST_FIXTURE_TEST_CASE(a_slot_past_the_deadline_fails_at_once, emulator_fixture) {
    run([&]() -> net::awaitable<void> {
        client_options opts = client_options_for(server);
        opts.rate_limit.requests_per_minute = 60; // one per second, a burst of one
        client c(ioc.get_executor(), opts);
        auto first = co_await call(c, sample_request());
        BOOST_TEST_REQUIRE(!first.ec, first.diag.to_string());

        request req = sample_request();
        req.timeout = 400ms; // the next slot is about a second away
        const auto start = pacing_clock::now();
        auto out = co_await call(c, req);
        BOOST_TEST(out.ec == errc::rate_limited);
        BOOST_TEST(seconds_since(start) < 0.2); // at once, not at the deadline
        BOOST_TEST(out.diag.client_message.find("after the call's deadline") != std::string::npos,
                   out.diag.client_message);
        BOOST_TEST(out.diag.attempts == 0u);
        BOOST_TEST(server.stats().requests == 1u);

        // Nothing was booked for the refused call: the next one waits only for the first's slot.
        const auto again = pacing_clock::now();
        auto third = co_await call(c, sample_request());
        BOOST_TEST(!third.ec, third.diag.to_string());
        BOOST_TEST(seconds_since(again) < 1.3);
    });
}

BOOST_FIXTURE_TEST_CASE(waiting_for_admission_ends_on_cancellation, emulator_fixture) {
    run([&]() -> net::awaitable<void> {
        client_options opts = client_options_for(server);
        opts.rate_limit.requests_per_minute = 20; // a slot every 3 s
        client c(ioc.get_executor(), opts);
        auto first = co_await call(c, sample_request());
        BOOST_TEST_REQUIRE(!first.ec, first.diag.to_string());

        net::cancellation_signal signal;
        bool done = false;
        error_code ec;
        diagnostics diag;
        const request req = sample_request();
        c.async_rerank(req, diag,
                       net::bind_cancellation_slot(signal.slot(), [&](error_code e, response) {
                           ec = e;
                           done = true;
                       }));
        co_await sleep_for(200ms);
        BOOST_TEST_REQUIRE(!done);
        BOOST_TEST(c.stats().in_use == 0u); // waiting for its slot, not on a connection
        const auto cancelled_at = pacing_clock::now();
        signal.emit(net::cancellation_type::terminal);
        while (!done && pacing_clock::now() - cancelled_at < 2s)
            co_await sleep_for(5ms);
        BOOST_TEST_REQUIRE(done);
        BOOST_TEST(seconds_since(cancelled_at) < 0.1);
        BOOST_TEST(ec == errc::cancelled);
        BOOST_TEST(diag.client_message.find("pacer's slot") != std::string::npos,
                   diag.client_message);
        BOOST_TEST(server.stats().requests == 1u);
    });
}

BOOST_FIXTURE_TEST_CASE(queued_requests_are_admitted_in_order, emulator_fixture) {
    run([&]() -> net::awaitable<void> {
        client_options opts = client_options_for(server);
        opts.rate_limit.requests_per_minute = 600; // 10 per second, a burst of 10
        opts.rate_limit.adaptive = false;
        client c(ioc.get_executor(), opts);
        // 20 calls at once: 10 go now, the others one every 100 ms, in the order they asked.
        std::vector<int> order;
        int done = 0;
        std::vector<diagnostics> diags(20);
        const request req = sample_request();
        for (int i = 0; i < 20; ++i)
            c.async_rerank(req, diags[static_cast<std::size_t>(i)], [&, i](error_code e, response) {
                BOOST_TEST(!e, e.message());
                order.push_back(i);
                ++done;
            });
        const auto start = pacing_clock::now();
        while (done < 20 && pacing_clock::now() - start < 10s)
            co_await sleep_for(10ms);
        BOOST_TEST_REQUIRE(done == 20);
        const double took = seconds_since(start);
        BOOST_TEST(took >= 0.9, took << " s"); // the last slot is 1 s after the first
        BOOST_TEST(took < 3.0, took << " s");
        // Completion order follows admission order for the paced half (each waits 100 ms
        // more than the one before: far longer than a loopback request).
        for (std::size_t i = 11; i < order.size(); ++i)
            BOOST_TEST(order[i - 1] < order[i], "position " << i);
        BOOST_TEST(diags[19].admission_wait >= 800ms);
    });
}

// Redis not answering: by default each process paces alone and the call's diagnostics say so;
// with on_store_failure = fail, calls fail with a typed error saying why. Nothing hangs.
BOOST_FIXTURE_TEST_CASE(a_shared_store_that_does_not_answer_is_told, emulator_fixture) {
    run([&]() -> net::awaitable<void> {
        const std::string nobody = "redis://127.0.0.1:" + std::to_string(unused_loopback_port());
        client_options opts = client_options_for(server);
        opts.rate_limit.requests_per_minute = 600;
        opts.rate_limit.redis.url = nobody;
        opts.rate_limit.redis.local_share = 0.5;
        {
            client c(ioc.get_executor(), opts);
            auto out = co_await call(c, sample_request());
            BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());
            BOOST_TEST(out.diag.quota_note.find("could not be reached") != std::string::npos,
                       out.diag.quota_note);
            BOOST_TEST(out.diag.quota_note.find("paced locally at 50% of the limits") !=
                           std::string::npos,
                       out.diag.quota_note);
        }
        opts.rate_limit.redis.on_store_failure = quota_store_failure::fail;
        client c(ioc.get_executor(), opts);
        auto out = co_await call(c, sample_request());
        BOOST_TEST(out.ec == errc::quota_store_unavailable);
        BOOST_TEST(out.diag.client_message.find("on_store_failure = fail") != std::string::npos,
                   out.diag.client_message);
        BOOST_TEST(server.stats().requests == 1u);
    });
}

BOOST_FIXTURE_TEST_CASE(bad_rate_limits_are_invalid_requests, emulator_fixture) {
    run([&]() -> net::awaitable<void> {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const double inf = std::numeric_limits<double>::infinity();
        struct row {
            const char* what;
            void (*set)(rate_limit_options&);
        };
        static double bad_number;
        for (double v : {-1.0, nan, inf}) {
            bad_number = v;
            for (const row& r : {
                     row{"requests_per_minute",
                         [](rate_limit_options& o) { o.requests_per_minute = bad_number; }},
                     row{"tokens_per_minute",
                         [](rate_limit_options& o) { o.tokens_per_minute = bad_number; }},
                     row{"local_share",
                         [](rate_limit_options& o) { o.redis.local_share = bad_number; }},
                 }) {
                client_options opts = client_options_for(server);
                r.set(opts.rate_limit);
                client c(ioc.get_executor(), opts);
                auto out = co_await call(c, sample_request());
                BOOST_TEST(out.ec == errc::invalid_request, r.what << " = " << v);
                BOOST_TEST(out.diag.client_message.find(r.what) != std::string::npos,
                           out.diag.client_message);
            }
        }
        for (const char* url : {"http://127.0.0.1:6379", "redis://:s3cret@127.0.0.1:notaport",
                                "redis://:s3cret@127.0.0.1:6379/x"}) {
            client_options opts = client_options_for(server);
            opts.rate_limit.redis.url = url;
            client c(ioc.get_executor(), opts);
            auto out = co_await call(c, sample_request());
            BOOST_TEST(out.ec == errc::invalid_request, url);
            BOOST_TEST(out.diag.client_message.find("redis") != std::string::npos,
                       out.diag.client_message);
            BOOST_TEST(out.diag.client_message.find("s3cret") == std::string::npos,
                       out.diag.client_message);
        }
        client_options opts = client_options_for(server);
        opts.rate_limit.burst = 0ms;
        client c(ioc.get_executor(), opts);
        auto out = co_await call(c, sample_request());
        BOOST_TEST(out.ec == errc::invalid_request);
        BOOST_TEST(server.stats().requests == 0u);
    });
}

BOOST_AUTO_TEST_SUITE_END()
