// The admission script against gcra.cpp: the same reservations at the same times book the same
// slots (the script's clock is set by the test through its optional time argument).
#include "quota_test_support.hpp"

#include "quota/local_quota_store.hpp"
#include "quota/redis_client.hpp"
#include "quota/redis_scripts.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <memory>
#include <random>

using namespace rerank::detail;
using namespace rerank::test;
namespace net = boost::asio;

BOOST_AUTO_TEST_SUITE(redis_admission_script)

BOOST_FIXTURE_TEST_CASE(the_script_books_the_slots_gcra_cpp_books, redis_fixture) {
    run([&]() -> net::awaitable<void> {
        redis_endpoint ep;
        rerank::diagnostics diag;
        BOOST_TEST_REQUIRE(!parse_redis_url(redis.url(), ep, diag));
        auto client = std::make_shared<redis_client>(co_await net::this_coro::executor, ep,
                                                     std::chrono::seconds(5), 200ms);
        client->start();
        local_quota_store reference("redis_script_test.reference");
        const redis_quota_keys keys("script_test");

        // Rates with increments that do not divide evenly (1e6 / 7 µs), a burst shorter than
        // one token request, unlimited limits, fractional costs; adaptive cuts change the rate
        // from one request to the next.
        const gcra_limit request_limits[] = {{10, 1'000'000}, {7, 1'000'000}, {2.5, 250'000}, {}};
        const gcra_limit token_limits[] = {{1000, 1'000'000}, {333.3, 250'000}, {}};
        const std::chrono::microseconds max_waits[] = {no_max_wait, std::chrono::microseconds(0),
                                                       std::chrono::microseconds(300'000)};
        std::mt19937_64 random(20261203);
        std::int64_t now = 1'764'720'000'000'000; // µs since 1970, as Redis's TIME gives
        int waited = 0, refused = 0;
        for (int i = 0; i < 400; ++i) {
            const quota_cost cost{1, static_cast<double>(random() % 800) + 0.5 * (i % 2)};
            const quota_rates rates{request_limits[random() % 4], token_limits[random() % 3]};
            const auto max_wait = max_waits[random() % 3];
            now += static_cast<std::int64_t>(random() % 150'000);
            const quota_reservation expected = reference.reserve_at(cost, rates, max_wait, now);

            // The first by its source (Redis does not know it yet), then by its SHA1.
            const auto command = admission_command(keys, cost, rates, max_wait, i == 0, now);
            auto [ec, reply] =
                co_await client->async_execute(command.bytes(), net::as_tuple(net::use_awaitable));
            BOOST_TEST_REQUIRE(!ec);
            quota_reservation got;
            BOOST_TEST_INFO("reservation " << i);
            BOOST_TEST_REQUIRE(read_admission_reply(*reply, got));
            BOOST_TEST_INFO("reservation " << i);
            BOOST_TEST(got.wait.count() == expected.wait.count());
            BOOST_TEST_INFO("reservation " << i);
            BOOST_TEST(got.booked == expected.booked);
            waited += got.wait.count() > 0;
            refused += !got.booked;
        }
        // The sequence went through the cases that matter: waits, and slots past max_wait.
        BOOST_TEST(waited > 100);
        BOOST_TEST(refused > 20);
        client->close();
    });
    // Keys outlive their TAT by at least 60 s (3 burst windows here are less).
    const long ttl_ms = std::stol(redis.cli({"PTTL", "rerank:quota:script_test:requests"}));
    BOOST_TEST(ttl_ms > 55'000);
}

BOOST_AUTO_TEST_SUITE_END()
