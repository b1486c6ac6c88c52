// Deadlines and cancellation: calls end promptly and the client stays usable.
#include "integration/call_helpers.hpp"
#include "support/emulator_fixture.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>

using namespace rerank;
using namespace rerank::test;
namespace net = boost::asio;
using namespace std::chrono_literals;

BOOST_FIXTURE_TEST_SUITE(client_cancel, emulator_fixture)

BOOST_AUTO_TEST_CASE(cancellation_mid_request_completes_promptly) {
    run([&]() -> net::awaitable<void> {
        client c(ioc.get_executor(), client_options_for(server));
        // Warm a connection, then make the next request stall on it.
        auto warm = co_await call(c, sample_request());
        BOOST_TEST_REQUIRE(!warm.ec);
        server.push_fault(emulator::fault::stall());

        net::cancellation_signal signal;
        bool done = false;
        error_code ec;
        request req = sample_request();
        c.async_rerank(req, net::bind_cancellation_slot(signal.slot(), [&](error_code e, response) {
                           ec = e;
                           done = true;
                       }));
        net::steady_timer timer(ioc, 300ms);
        co_await timer.async_wait(net::use_awaitable);
        BOOST_TEST(!done);
        const auto before = std::chrono::steady_clock::now();
        signal.emit(net::cancellation_type::terminal);
        while (!done) {
            timer.expires_after(5ms);
            co_await timer.async_wait(net::use_awaitable);
        }
        BOOST_TEST(ec == errc::cancelled);
        BOOST_TEST((std::chrono::steady_clock::now() - before) < 2s);
        BOOST_TEST(c.stats().in_use == 0u);

        // The stalled connection was closed, not reused: the next call works.
        auto after = co_await call(c, sample_request());
        BOOST_TEST(!after.ec, after.diag.to_string());
    });
}

BOOST_AUTO_TEST_CASE(deadline_expiry_is_timeout) {
    run([&]() -> net::awaitable<void> {
        client c(ioc.get_executor(), client_options_for(server));
        server.push_fault(emulator::fault::stall());
        request req = sample_request();
        req.timeout = 400ms;
        const auto start = std::chrono::steady_clock::now();
        auto out = co_await call(c, req);
        const auto elapsed = std::chrono::steady_clock::now() - start;
        BOOST_TEST(out.ec == errc::timeout);
        BOOST_TEST(elapsed >= 350ms);
        BOOST_TEST(elapsed < 3s);
        auto again = co_await call(c, sample_request());
        BOOST_TEST(!again.ec, again.diag.to_string());
    });
}

BOOST_AUTO_TEST_CASE(client_cancel_completes_every_call) {
    run([&]() -> net::awaitable<void> {
        client c(ioc.get_executor(), client_options_for(server));
        for (int i = 0; i < 3; ++i)
            server.push_fault(emulator::fault::stall());
        int done = 0;
        std::vector<error_code> codes;
        request req = sample_request();
        for (int i = 0; i < 3; ++i)
            c.async_rerank(req, [&](error_code e, response) {
                codes.push_back(e);
                ++done;
            });
        net::steady_timer timer(ioc, 300ms);
        co_await timer.async_wait(net::use_awaitable);
        c.cancel();
        while (done < 3) {
            timer.expires_after(5ms);
            co_await timer.async_wait(net::use_awaitable);
        }
        for (auto e : codes)
            BOOST_TEST(e == errc::cancelled);
        auto again = co_await call(c, sample_request());
        BOOST_TEST(!again.ec, again.diag.to_string());
    });
}

BOOST_AUTO_TEST_CASE(destroying_the_client_cancels_calls_in_flight) {
    run([&]() -> net::awaitable<void> {
        server.push_fault(emulator::fault::stall());
        bool done = false;
        error_code ec;
        request req = sample_request();
        {
            client c(ioc.get_executor(), client_options_for(server));
            c.async_rerank(req, [&](error_code e, response) {
                ec = e;
                done = true;
            });
            net::steady_timer timer(ioc, 200ms);
            co_await timer.async_wait(net::use_awaitable);
        }
        net::steady_timer timer(ioc);
        for (int i = 0; i < 400 && !done; ++i) {
            timer.expires_after(5ms);
            co_await timer.async_wait(net::use_awaitable);
        }
        BOOST_TEST(done);
        BOOST_TEST(ec == errc::cancelled);
    });
}

BOOST_AUTO_TEST_SUITE_END()
