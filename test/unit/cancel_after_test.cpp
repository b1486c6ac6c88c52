// cancel_after / with_timeout: the timer-plus-cancellation-signal helper that stands in for
// Boost 1.86's asio::cancel_after.
#include "client/cancel_after.hpp"
#include "support/io_fixture.hpp"

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <thread>

using namespace rerank;
using namespace rerank::detail;
using namespace std::chrono_literals;
namespace net = boost::asio;
using clock_type = std::chrono::steady_clock;

namespace {

// An operation that completes only when cancelled, and records which type of cancellation
// it was sent.
template <class Token>
auto async_until_cancelled(net::cancellation_type& seen, Token&& token) {
    return net::async_initiate<Token, void(boost::system::error_code)>(
        [&seen](auto handler) {
            auto slot = net::get_associated_cancellation_slot(handler);
            BOOST_TEST_REQUIRE(slot.is_connected());
            slot.assign([&seen, h = std::move(handler)](net::cancellation_type type) mutable {
                seen = type;
                auto ex = net::get_associated_executor(h);
                net::post(ex, [h = std::move(h)]() mutable {
                    std::move(h)(net::error::operation_aborted);
                });
            });
        },
        token);
}

net::awaitable<void> sleep_for(clock_type::duration d) {
    net::steady_timer t(co_await net::this_coro::executor, d);
    co_await t.async_wait(net::use_awaitable);
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(cancel_after_helper, test::io_fixture)

BOOST_AUTO_TEST_CASE(cancels_an_operation_that_outlasts_it) {
    run([&]() -> net::awaitable<void> {
        net::steady_timer forever(ioc, 1h);
        const auto start = clock_type::now();
        cancel_after limit(ioc.get_executor(), 50ms);
        auto [ec] = co_await forever.async_wait(
            net::bind_cancellation_slot(limit.slot(), net::as_tuple(net::use_awaitable)));
        const auto elapsed = clock_type::now() - start;
        BOOST_TEST(ec == net::error::operation_aborted);
        BOOST_TEST(limit.fired());
        BOOST_TEST((elapsed >= 50ms));
        BOOST_TEST((elapsed < 2s));
    });
}

BOOST_AUTO_TEST_CASE(leaves_a_quicker_operation_alone) {
    run([&]() -> net::awaitable<void> {
        net::steady_timer quick(ioc, 20ms);
        const auto start = clock_type::now();
        {
            cancel_after limit(ioc.get_executor(), 10s);
            auto [ec] = co_await quick.async_wait(
                net::bind_cancellation_slot(limit.slot(), net::as_tuple(net::use_awaitable)));
            BOOST_TEST(!ec);
            BOOST_TEST(!limit.fired());
        }
        // The 10 s timer is gone with the helper: the fixture checks no work is left behind.
        BOOST_TEST((clock_type::now() - start < 2s));
    });
}

BOOST_AUTO_TEST_CASE(emits_the_type_it_was_given) {
    run([&]() -> net::awaitable<void> {
        for (auto type : {net::cancellation_type::terminal, net::cancellation_type::partial,
                          net::cancellation_type::total}) {
            net::cancellation_type seen = net::cancellation_type::none;
            cancel_after limit(ioc.get_executor(), 10ms, type);
            auto [ec] = co_await async_until_cancelled(
                seen, net::bind_cancellation_slot(limit.slot(), net::as_tuple(net::use_awaitable)));
            BOOST_TEST(ec == net::error::operation_aborted);
            BOOST_TEST((seen == type));
        }
    });
}

BOOST_AUTO_TEST_CASE(the_default_is_terminal) {
    run([&]() -> net::awaitable<void> {
        net::cancellation_type seen = net::cancellation_type::none;
        cancel_after limit(ioc.get_executor(), 10ms);
        co_await async_until_cancelled(
            seen, net::bind_cancellation_slot(limit.slot(), net::as_tuple(net::use_awaitable)));
        BOOST_TEST((seen == net::cancellation_type::terminal));
    });
}

BOOST_AUTO_TEST_CASE(disarmed_never_emits) {
    run([&]() -> net::awaitable<void> {
        bool emitted = false;
        cancel_after limit(ioc.get_executor(), 30ms);
        limit.slot().assign([&](net::cancellation_type) { emitted = true; });
        limit.disarm();
        limit.disarm(); // idempotent
        co_await sleep_for(100ms);
        BOOST_TEST(!emitted);
        BOOST_TEST(!limit.fired());
    });
}

BOOST_AUTO_TEST_CASE(disarmed_after_expiry_was_queued_never_emits) {
    // The timer's handler can already be queued with success when disarm() runs (the timer
    // cannot take it back): it must still see that it was disarmed. A private io_context
    // makes the order certain: its first poll_one() runs the reactor, which queues the expired
    // wait behind the handler posted before it; that handler disarms.
    net::io_context local;
    bool emitted = false;
    cancel_after limit(local.get_executor(), 1ms);
    limit.slot().assign([&](net::cancellation_type) { emitted = true; });
    std::this_thread::sleep_for(20ms);
    net::post(local, [&] { limit.disarm(); });
    BOOST_TEST(local.poll_one() == 1u);
    local.poll();
    BOOST_TEST(local.stopped());
    BOOST_TEST(!emitted);
    BOOST_TEST(!limit.fired());
}

BOOST_AUTO_TEST_CASE(destroyed_before_expiry_never_emits) {
    run([&]() -> net::awaitable<void> {
        bool emitted = false;
        {
            cancel_after limit(ioc.get_executor(), 30ms);
            limit.slot().assign([&](net::cancellation_type) { emitted = true; });
        }
        co_await sleep_for(100ms);
        BOOST_TEST(!emitted);
    });
}

BOOST_AUTO_TEST_CASE(a_zero_duration_cancels_at_once) {
    run([&]() -> net::awaitable<void> {
        net::steady_timer forever(ioc, 1h);
        cancel_after limit(ioc.get_executor(), 0ms);
        auto [ec] = co_await forever.async_wait(
            net::bind_cancellation_slot(limit.slot(), net::as_tuple(net::use_awaitable)));
        BOOST_TEST(ec == net::error::operation_aborted);
        BOOST_TEST(limit.fired());
    });
}

BOOST_AUTO_TEST_CASE(with_timeout_returns_the_results_of_a_quick_operation) {
    run([&]() -> net::awaitable<void> {
        net::steady_timer quick(ioc, 10ms);
        auto [ec] = co_await with_timeout(5s, [&](auto token) { return quick.async_wait(token); });
        BOOST_TEST(!ec);
    });
}

BOOST_AUTO_TEST_CASE(with_timeout_cancels_a_slow_operation) {
    run([&]() -> net::awaitable<void> {
        net::steady_timer forever(ioc, 1h);
        const auto start = clock_type::now();
        auto [ec] =
            co_await with_timeout(40ms, [&](auto token) { return forever.async_wait(token); });
        BOOST_TEST(ec == net::error::operation_aborted);
        BOOST_TEST((clock_type::now() - start >= 40ms));
        BOOST_TEST((clock_type::now() - start < 2s));
    });
}

BOOST_AUTO_TEST_CASE(with_timeout_passes_the_type_through) {
    run([&]() -> net::awaitable<void> {
        net::cancellation_type seen = net::cancellation_type::none;
        auto [ec] = co_await with_timeout(
            10ms, [&](auto token) { return async_until_cancelled(seen, token); },
            net::cancellation_type::partial);
        BOOST_TEST(ec == net::error::operation_aborted);
        BOOST_TEST((seen == net::cancellation_type::partial));
    });
}

BOOST_AUTO_TEST_CASE(with_timeout_keeps_other_results) {
    // A read of a socket pair's far end: the result tuple carries the byte count.
    run([&]() -> net::awaitable<void> {
        net::ip::tcp::acceptor acceptor(ioc, {net::ip::make_address("127.0.0.1"), 0});
        net::ip::tcp::socket client(ioc), server(ioc);
        co_await client.async_connect(acceptor.local_endpoint(), net::use_awaitable);
        co_await acceptor.async_accept(server, net::use_awaitable);
        co_await net::async_write(client, net::buffer("abc", 3), net::use_awaitable);
        char buf[8];
        auto [ec, n] = co_await with_timeout(
            5s, [&](auto token) { return server.async_read_some(net::buffer(buf), token); });
        BOOST_TEST(!ec);
        BOOST_TEST(n == 3u);
        // Nothing more arrives: the next read is cut off.
        auto [ec2, n2] = co_await with_timeout(
            30ms, [&](auto token) { return server.async_read_some(net::buffer(buf), token); });
        BOOST_TEST(ec2 == net::error::operation_aborted);
        BOOST_TEST(n2 == 0u);
    });
}

BOOST_AUTO_TEST_SUITE_END()
