// The Redis quota store with Redis answering: reservations in order, max_wait, stores sharing
// a quota by name, throttle counts, NOSCRIPT, password and database, bad options.
#include "quota_test_support.hpp"

#include "quota/redis_quota_store.hpp"

#include <rerank/error_with_diagnostics.hpp>

#include <boost/asio/this_coro.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

using namespace rerank::detail;
using namespace rerank::test;
namespace net = boost::asio;

BOOST_AUTO_TEST_SUITE(redis_quota_store_shared)

BOOST_FIXTURE_TEST_CASE(reservations_get_later_slots_in_order_and_max_wait_books_nothing,
                        redis_fixture) {
    run([&]() -> net::awaitable<void> {
        redis_quota_store store(co_await net::this_coro::executor, quota_options(redis.url()),
                                "store_test.fifo");
        const auto first = co_await store.reserve({}, one_per_second, no_max_wait);
        const auto second = co_await store.reserve({}, one_per_second, no_max_wait);
        const auto third = co_await store.reserve({}, one_per_second, no_max_wait);
        BOOST_TEST(first.shared);
        BOOST_TEST(third.shared);
        BOOST_TEST(first.note.empty());
        BOOST_TEST(first.wait.count() == 0);
        // Each slot one second after the one before, less the time between the calls.
        BOOST_TEST(second.wait > 0s);
        BOOST_TEST(second.wait <= 1s);
        BOOST_TEST(third.wait > 1s);
        BOOST_TEST(third.wait <= second.wait + 1s);

        // The next slot is about 3 s away: not within 1 s, so nothing is booked...
        const auto refused = co_await store.reserve({}, one_per_second, 1s);
        BOOST_TEST(!refused.booked);
        BOOST_TEST(refused.wait > 2s);
        // ...and the next reservation gets that slot, not one after it.
        const auto fourth = co_await store.reserve({}, one_per_second, no_max_wait);
        BOOST_TEST(fourth.booked);
        BOOST_TEST(fourth.wait <= refused.wait);
        BOOST_TEST(fourth.wait > third.wait);
    });
}

BOOST_FIXTURE_TEST_CASE(tokens_are_booked_as_well, redis_fixture) {
    run([&]() -> net::awaitable<void> {
        redis_quota_store store(co_await net::this_coro::executor, quota_options(redis.url()),
                                "store_test.tokens");
        // Unlimited requests; 1,000 tokens per second.
        const quota_rates rates{{}, {1000, 1'000'000}};
        const auto first = co_await store.reserve({1, 800}, rates, no_max_wait);
        const auto second = co_await store.reserve({1, 800}, rates, no_max_wait);
        BOOST_TEST(first.wait.count() == 0);
        // 600 of the burst's 1,000 tokens were missing: 600 ms, less the time between calls.
        BOOST_TEST(second.wait > 300ms);
        BOOST_TEST(second.wait <= 600ms);
    });
    BOOST_TEST(redis.cli({"EXISTS", "rerank:quota:store_test.tokens:tokens"}) == "1");
    BOOST_TEST(redis.cli({"EXISTS", "rerank:quota:store_test.tokens:requests"}) == "0");
}

BOOST_FIXTURE_TEST_CASE(stores_naming_one_quota_share_it_and_other_names_do_not, redis_fixture) {
    run([&]() -> net::awaitable<void> {
        const auto ex = co_await net::this_coro::executor;
        redis_quota_store a(ex, quota_options(redis.url()), "store_test.shared");
        redis_quota_store b(ex, quota_options(redis.url()), "store_test.shared");
        redis_quota_store other(ex, quota_options(redis.url()), "store_test.other");
        BOOST_TEST((co_await a.reserve({}, one_per_second, no_max_wait)).wait.count() == 0);
        const auto from_b = co_await b.reserve({}, one_per_second, no_max_wait);
        BOOST_TEST(from_b.shared);
        BOOST_TEST(from_b.wait > 500ms);
        BOOST_TEST((co_await other.reserve({}, one_per_second, no_max_wait)).wait.count() == 0);
    });
}

BOOST_FIXTURE_TEST_CASE(a_throttle_recorded_by_one_store_is_seen_by_the_other, redis_fixture) {
    run([&]() -> net::awaitable<void> {
        const auto ex = co_await net::this_coro::executor;
        redis_quota_store a(ex, quota_options(redis.url()), "store_test.throttles");
        redis_quota_store b(ex, quota_options(redis.url()), "store_test.throttles");
        const quota_rates unlimited{};
        const auto before = co_await b.reserve({}, unlimited, no_max_wait);
        co_await a.record_throttle();
        co_await a.record_throttle();
        const auto after = co_await b.reserve({}, unlimited, no_max_wait);
        BOOST_TEST(after.shared);
        BOOST_TEST(after.throttle_events == before.throttle_events + 2);
    });
    BOOST_TEST(redis.cli({"GET", "rerank:quota:store_test.throttles:throttles"}) == "2");
    const long ttl_s = std::stol(redis.cli({"TTL", "rerank:quota:store_test.throttles:throttles"}));
    BOOST_TEST(ttl_s > 86'000);
}

BOOST_FIXTURE_TEST_CASE(a_flushed_script_is_loaded_again_and_books_once, redis_fixture) {
    run([&]() -> net::awaitable<void> {
        redis_quota_store store(co_await net::this_coro::executor, quota_options(redis.url()),
                                "store_test.noscript");
        BOOST_TEST((co_await store.reserve({}, one_per_second, no_max_wait)).shared);
        BOOST_TEST(redis.cli({"SCRIPT", "FLUSH"}) == "OK");
        const auto again = co_await store.reserve({}, one_per_second, no_max_wait);
        BOOST_TEST(again.shared);
        BOOST_TEST(again.booked);
        // Booked once (about 1 s), not by both the EVALSHA and the EVAL (2 s).
        BOOST_TEST(again.wait <= 1s);
        BOOST_TEST(again.wait > 0s);
    });
}

BOOST_AUTO_TEST_CASE(password_and_database_of_the_url_are_used) {
    redis_server redis("s3cret/pass");
    io_fixture io;
    const std::string url = "redis://:s3cret%2Fpass@127.0.0.1:" + std::to_string(redis.port());
    io.run([&]() -> net::awaitable<void> {
        const auto ex = co_await net::this_coro::executor;
        redis_quota_store store(ex, quota_options(url + "/3"), "store_test.db");
        const auto answer = co_await store.reserve({}, one_per_second, no_max_wait);
        BOOST_TEST(answer.shared);
        BOOST_TEST(answer.note.empty());

        // A wrong password: Redis refuses AUTH, and the note says so without either password.
        redis_quota_store wrong(
            ex, quota_options("redis://:hunter2@127.0.0.1:" + std::to_string(redis.port())),
            "store_test.db");
        const auto refused = co_await wrong.reserve({}, one_per_second, no_max_wait);
        BOOST_TEST(!refused.shared);
        BOOST_TEST(refused.note.find("refused AUTH") != std::string::npos);
        BOOST_TEST(refused.note.find("hunter2") == std::string::npos);
        BOOST_TEST(refused.note.find("s3cret") == std::string::npos);
    });
    BOOST_TEST(redis.cli({"EXISTS", "rerank:quota:store_test.db:requests"}, 3) == "1");
    BOOST_TEST(redis.cli({"EXISTS", "rerank:quota:store_test.db:requests"}, 0) == "0");
}

BOOST_AUTO_TEST_CASE(a_bad_url_is_an_invalid_request_without_the_password) {
    io_fixture io;
    auto options = quota_options("redis://:hunter2@127.0.0.1:6379/zero");
    try {
        redis_quota_store store(io.ioc.get_executor(), options, "store_test.bad");
        BOOST_FAIL("a bad URL was accepted");
    } catch (const rerank::error_with_diagnostics& e) {
        BOOST_TEST(e.code() == rerank::errc::invalid_request);
        BOOST_TEST(std::string(e.what()).find("invalid Redis URL") != std::string::npos);
        BOOST_TEST(std::string(e.what()).find("hunter2") == std::string::npos);
    }
}

BOOST_AUTO_TEST_SUITE_END()
