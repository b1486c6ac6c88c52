// The Redis quota store when Redis does not answer: unreachable, silent, hostile, killed and
// restarted, paused past the command timeout. No reservation waits much longer than the
// command timeout (250 ms); the bounds below are generous for a loaded machine.
#include "quota_test_support.hpp"

#include "quota/redis_quota_store.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

using namespace rerank::detail;
using namespace rerank::test;
namespace net = boost::asio;
using net::ip::tcp;
using steady = std::chrono::steady_clock;

namespace {

// Longest a reservation may take: the command timeout, and a second for a loaded machine.
constexpr auto answer_bound = 250ms + 1s;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string redis_url_on(unsigned short port) {
    return "redis://127.0.0.1:" + std::to_string(port);
}

// A listening socket that never accepts: the kernel completes connections, nobody answers.
struct silent_listener {
    explicit silent_listener(const net::any_io_executor& ex)
        : acceptor(ex, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {}
    unsigned short port() const { return acceptor.local_endpoint().port(); }
    tcp::acceptor acceptor;
};

// Accepts one connection, reads the handshake and answers with a bulk string too large to hold.
net::awaitable<void> answer_hugely(tcp::acceptor acceptor) {
    auto [accept_ec, socket] = co_await acceptor.async_accept(net::as_tuple(net::use_awaitable));
    if (accept_ec)
        co_return;
    char request[512];
    co_await socket.async_read_some(net::buffer(request), net::as_tuple(net::use_awaitable));
    const std::string huge = "$1000000\r\n" + std::string(64 * 1024, 'x');
    co_await net::async_write(socket, net::buffer(huge), net::as_tuple(net::use_awaitable));
    acceptor.close();
}

} // namespace

BOOST_AUTO_TEST_SUITE(redis_quota_store_failures)

BOOST_FIXTURE_TEST_CASE(an_unreachable_redis_is_replaced_at_once_by_local_pacing, io_fixture) {
    const unsigned short port = unused_loopback_port();
    run([&]() -> net::awaitable<void> {
        auto options = quota_options(redis_url_on(port));
        options.local_share = 0.5;
        redis_quota_store store(co_await net::this_coro::executor, options, "failure_test.down");
        // Two per second, burst one second; locally at half of that: one per second.
        const quota_rates two_per_second{{2, 1'000'000}, {}};
        const auto first = co_await timed_reserve(store, two_per_second);
        BOOST_TEST(first.took < answer_bound);
        BOOST_TEST(!first.answer.shared);
        BOOST_TEST(!first.answer.ec);
        BOOST_TEST(first.answer.booked);
        BOOST_TEST(first.answer.wait.count() == 0);
        BOOST_TEST_INFO(first.answer.note);
        BOOST_TEST(contains(first.answer.note, "Redis at 127.0.0.1:" + std::to_string(port) +
                                                   " could not be reached"));
        BOOST_TEST(contains(first.answer.note, "paced locally at 50% of the limits"));
        const auto second = co_await timed_reserve(store, two_per_second);
        BOOST_TEST(!second.answer.shared);
        BOOST_TEST(second.took < 250ms);
        BOOST_TEST(second.answer.wait > 500ms);
    });
}

BOOST_FIXTURE_TEST_CASE(with_fail_reservations_fail_when_redis_is_down, io_fixture) {
    const unsigned short port = unused_loopback_port();
    run([&]() -> net::awaitable<void> {
        auto options = quota_options(redis_url_on(port));
        options.on_store_failure = rerank::quota_store_failure::fail;
        redis_quota_store store(co_await net::this_coro::executor, options, "failure_test.fail");
        const auto answer = co_await timed_reserve(store, one_per_second);
        BOOST_TEST(answer.took < answer_bound);
        BOOST_TEST(answer.answer.ec == rerank::errc::quota_store_unavailable);
        BOOST_TEST(!answer.answer.booked);
        BOOST_TEST(!answer.answer.shared);
        BOOST_TEST_INFO(answer.answer.note);
        BOOST_TEST(contains(answer.answer.note, "on_store_failure = fail"));
    });
}

BOOST_FIXTURE_TEST_CASE(a_silent_redis_costs_one_command_timeout_then_nothing, io_fixture) {
    run([&]() -> net::awaitable<void> {
        silent_listener silent(co_await net::this_coro::executor);
        redis_quota_store store(co_await net::this_coro::executor,
                                quota_options(redis_url_on(silent.port())), "failure_test.silent");
        const auto first = co_await timed_reserve(store, one_per_second);
        BOOST_TEST(!first.answer.shared);
        BOOST_TEST(first.took >= 200ms);
        BOOST_TEST(first.took < answer_bound);
        BOOST_TEST_INFO(first.answer.note);
        BOOST_TEST(contains(first.answer.note, "did not answer within 250 ms"));
        // Redis counts as down now: the next reservations do not wait for it again.
        for (int i = 0; i < 5; ++i) {
            const auto next = co_await timed_reserve(store, one_per_second);
            BOOST_TEST(!next.answer.shared);
            BOOST_TEST(next.took < 200ms);
            co_await sleep_for(100ms);
        }
    });
}

BOOST_FIXTURE_TEST_CASE(a_reply_too_large_to_hold_ends_the_connection, io_fixture) {
    run([&]() -> net::awaitable<void> {
        const auto ex = co_await net::this_coro::executor;
        tcp::acceptor acceptor(ex, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
        const unsigned short port = acceptor.local_endpoint().port();
        net::co_spawn(ex, answer_hugely(std::move(acceptor)), net::detached);
        redis_quota_store store(ex, quota_options(redis_url_on(port)), "failure_test.hostile");
        const auto answer = co_await timed_reserve(store, one_per_second);
        BOOST_TEST(!answer.answer.shared);
        BOOST_TEST(answer.took < answer_bound);
        BOOST_TEST_INFO(answer.answer.note);
        BOOST_TEST(contains(answer.answer.note, "sent a malformed reply (a reply of more than"));
    });
}

BOOST_FIXTURE_TEST_CASE(a_killed_redis_is_replaced_locally_until_it_is_back, redis_fixture) {
    run([&]() -> net::awaitable<void> {
        redis_quota_store store(co_await net::this_coro::executor, quota_options(redis.url()),
                                "failure_test.killed");
        BOOST_TEST((co_await store.reserve({}, one_per_second, no_max_wait)).shared);
        redis.kill();
        timed_reservation answer;
        for (const auto give_up = steady::now() + 5s; steady::now() < give_up;) {
            answer = co_await timed_reserve(store, one_per_second);
            BOOST_TEST(answer.took < answer_bound);
            if (!answer.answer.shared)
                break;
            co_await sleep_for(20ms);
        }
        BOOST_TEST_REQUIRE(!answer.answer.shared);
        BOOST_TEST_INFO(answer.answer.note);
        BOOST_TEST(
            contains(answer.answer.note, "Redis at 127.0.0.1:" + std::to_string(redis.port())));
        redis.restart();
        for (const auto give_up = steady::now() + 10s; steady::now() < give_up;) {
            answer = co_await timed_reserve(store, one_per_second);
            BOOST_TEST(answer.took < answer_bound);
            if (answer.answer.shared)
                break;
            co_await sleep_for(50ms);
        }
        BOOST_TEST(answer.answer.shared);
        BOOST_TEST(answer.answer.note.empty());
    });
}

BOOST_FIXTURE_TEST_CASE(a_paused_redis_costs_no_reservation_much_more_than_the_timeout,
                        redis_fixture) {
    run([&]() -> net::awaitable<void> {
        redis_quota_store store(co_await net::this_coro::executor, quota_options(redis.url()),
                                "failure_test.paused");
        const quota_rates unlimited{};
        BOOST_TEST((co_await store.reserve({}, unlimited, no_max_wait)).shared);
        BOOST_TEST(redis.cli({"CLIENT", "PAUSE", "2000", "ALL"}) == "OK");
        const auto pause_ends = steady::now() + 2s;
        bool paced_locally = false;
        bool shared_again = false;
        steady::duration longest{};
        while (!shared_again && steady::now() < pause_ends + 8s) {
            const auto answer = co_await timed_reserve(store, unlimited);
            longest = std::max(longest, answer.took);
            if (!answer.answer.shared) {
                paced_locally = true;
                BOOST_TEST_INFO(answer.answer.note);
                BOOST_TEST(contains(answer.answer.note, "did not answer within 250 ms"));
            }
            shared_again = paced_locally && answer.answer.shared;
            co_await sleep_for(20ms);
        }
        BOOST_TEST(paced_locally);
        BOOST_TEST(shared_again);
        BOOST_TEST(longest < answer_bound);
        // It came back after the pause, not during it.
        BOOST_TEST((steady::now() > pause_ends));
    });
}

BOOST_AUTO_TEST_SUITE_END()
