// Load: 10,000 concurrent calls through a pool of 16 connections. All succeed, the server never
// sees more than 16 connections at once, and the pool's counters add up.
#include "pool/pool_support.hpp"

#include <boost/test/unit_test.hpp>

using namespace rerank;
using namespace rerank::test;
using namespace std::chrono_literals;
namespace net = boost::asio;
using ms = std::chrono::milliseconds;

BOOST_AUTO_TEST_SUITE(load)

BOOST_AUTO_TEST_CASE(ten_thousand_concurrent_calls_through_a_pool_of_16) {
    constexpr std::size_t calls = 10'000;
    constexpr std::size_t pool_size = 16;
    emulator::options server_opts = tls_emulator_options();
    server_opts.threads = 2;
    emulator_fixture f(server_opts);
    f.run(
        [&]() -> net::awaitable<void> {
            client_options opts = client_options_for(f.server);
            opts.pool.max_connections = pool_size;
            opts.timeout = 240s; // the last calls wait for 9,984 others
            client c(f.ioc.get_executor(), opts);
            const request req = sample_request();

            std::size_t done = 0, failed = 0;
            error_code first_error;
            const auto start = steady::now();
            for (std::size_t i = 0; i < calls; ++i)
                c.async_rerank(req, [&](error_code ec, response res) {
                    ++done;
                    if (ec || res.results.size() != req.documents.size()) {
                        ++failed;
                        if (!first_error)
                            first_error = ec;
                    }
                });
            std::uint64_t most_open = 0, most_waiting = 0;
            const bool finished = co_await wait_until(
                [&] {
                    const pool_stats s = c.stats();
                    most_open = std::max(most_open, s.open);
                    most_waiting = std::max(most_waiting, s.waiting);
                    return done == calls;
                },
                280s);
            const ms elapsed = since(start);
            BOOST_TEST_REQUIRE(finished, done << " of " << calls << " calls completed");
            BOOST_TEST_MESSAGE(calls << " calls in " << elapsed.count() << " ms; most waiting "
                                     << most_waiting);

            BOOST_TEST(failed == 0u, "first error: " << first_error.message());
            const emulator::server_stats seen = f.server.stats();
            BOOST_TEST(seen.requests == calls);
            BOOST_TEST(seen.max_connections_open <= pool_size);
            BOOST_TEST(most_open <= pool_size);
            BOOST_TEST(most_waiting > 0u); // the pool really was the bottleneck

            const pool_stats s = c.stats();
            BOOST_TEST_MESSAGE("created " << s.connections_created << ", reused "
                                          << s.connections_reused << ", server max open "
                                          << seen.max_connections_open);
            BOOST_TEST(s.attempts == calls);
            BOOST_TEST(s.retries == 0u);
            BOOST_TEST(s.connections_created <= pool_size);
            BOOST_TEST(s.connections_created + s.connections_reused == s.attempts);
            BOOST_TEST(s.handshakes_full + s.handshakes_resumed == s.connections_created);
            BOOST_TEST(s.closed_by_peer == 0u);
            BOOST_TEST(s.waiting == 0u);
            BOOST_TEST(s.in_use == 0u);
            BOOST_TEST(s.open == s.idle);
            BOOST_TEST(s.open == s.connections_created); // none was lost along the way
        },
        300s);
}

BOOST_AUTO_TEST_SUITE_END()
