// TLS session resumption against the emulator (OpenSSL's server defaults: TLS 1.3, stateless
// session tickets): once a connection has carried an exchange (and so read the server's
// tickets), every new connection resumes its session with an abbreviated handshake.
#include "pool/pool_support.hpp"

#include <boost/test/unit_test.hpp>

using namespace rerank;
using namespace rerank::test;
using namespace std::chrono_literals;
namespace net = boost::asio;

BOOST_AUTO_TEST_SUITE(tls_resumption)

BOOST_AUTO_TEST_CASE(connections_after_connection_close_resume) {
    emulator::options server_opts = tls_emulator_options();
    server_opts.close_after_responses = 1; // every connection carries one exchange
    emulator_fixture f(server_opts);
    f.run([&]() -> net::awaitable<void> {
        client c(f.ioc.get_executor(), client_options_for(f.server));
        for (int i = 0; i < 5; ++i) {
            auto out = co_await call(c, sample_request());
            BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());
        }
        const pool_stats s = c.stats();
        BOOST_TEST_MESSAGE("emulator, Connection: close each time: full "
                           << s.handshakes_full << ", resumed " << s.handshakes_resumed);
        BOOST_TEST(s.connections_created == 5u);
        BOOST_TEST(s.handshakes_full == 1u);
        BOOST_TEST(s.handshakes_resumed == 4u);
    });
}

BOOST_AUTO_TEST_CASE(connections_after_an_idle_close_resume) {
    emulator::options server_opts = tls_emulator_options();
    server_opts.idle_close_after = 100ms;
    emulator_fixture f(server_opts);
    f.run([&]() -> net::awaitable<void> {
        client c(f.ioc.get_executor(), client_options_for(f.server));
        for (int i = 0; i < 3; ++i) {
            auto out = co_await call(c, sample_request());
            BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());
            co_await sleep_for(300ms); // the server closes the idle connection
        }
        const pool_stats s = c.stats();
        BOOST_TEST(s.connections_created == 3u);
        BOOST_TEST(s.closed_by_peer == 2u);
        BOOST_TEST(s.handshakes_full == 1u);
        BOOST_TEST(s.handshakes_resumed == 2u);
    });
}

BOOST_AUTO_TEST_CASE(concurrent_first_connections_all_handshake_in_full) {
    // Before any exchange there is no session to offer: a burst of first calls costs one full
    // handshake each; the connections after them resume.
    emulator::options server_opts = tls_emulator_options();
    server_opts.close_after_responses = 1;
    emulator_fixture f(server_opts);
    f.run([&]() -> net::awaitable<void> {
        client_options opts = client_options_for(f.server);
        opts.pool.max_connections = 4;
        client c(f.ioc.get_executor(), opts);
        const request req = sample_request();
        int done = 0, failed = 0;
        for (int i = 0; i < 12; ++i)
            c.async_rerank(req, [&](error_code ec, response) {
                ++done;
                failed += ec ? 1 : 0;
            });
        BOOST_TEST_REQUIRE(co_await wait_until([&] { return done == 12; }, 20s));
        BOOST_TEST(failed == 0);
        const pool_stats s = c.stats();
        BOOST_TEST(s.connections_created == 12u);
        BOOST_TEST(s.handshakes_full == 4u);
        BOOST_TEST(s.handshakes_resumed == 8u);
    });
}

BOOST_AUTO_TEST_SUITE_END()
