// The store's lifetime on a strand run by two threads: destroying it with reservations in
// flight, on the strand or from another thread, is safe; every reservation completes and the
// connection loop ends.
#include "quota_test_support.hpp"

#include "quota/redis_quota_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <future>
#include <memory>
#include <thread>
#include <vector>

using namespace rerank::detail;
using namespace rerank::test;
namespace net = boost::asio;

namespace {

constexpr int reservations_per_store = 200;

// Reservations completed, and those that threw (counted here: Boost.Test is not thread-safe).
struct completions {
    std::atomic<int> done{0};
    std::atomic<int> threw{0};
};

// Starts a store on `strand` with reservations in flight.
std::unique_ptr<redis_quota_store> store_with_reservations(const net::any_io_executor& strand,
                                                           const std::string& url,
                                                           completions& completed) {
    auto store = std::make_unique<redis_quota_store>(strand, quota_options(url), "lifetime_test");
    const quota_rates fast{{1e6, 1'000'000}, {}};
    for (int i = 0; i < reservations_per_store; ++i)
        net::co_spawn(strand, store->reserve({}, fast, no_max_wait),
                      [&completed](std::exception_ptr failure, quota_reservation) {
                          completed.threw += failure != nullptr;
                          ++completed.done;
                      });
    return store;
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
    const auto give_up = std::chrono::steady_clock::now() + limit;
    while (!condition() && std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(5ms);
    return condition();
}

} // namespace

BOOST_AUTO_TEST_SUITE(redis_quota_store_lifetime)

BOOST_AUTO_TEST_CASE(destroying_the_store_with_reservations_in_flight_is_safe) {
    redis_server redis;
    net::io_context ioc;
    auto work = net::make_work_guard(ioc);
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i)
        threads.emplace_back([&ioc] { ioc.run(); });
    const net::any_io_executor strand = net::make_strand(ioc);
    completions completed;

    // Destroyed on the strand, right after the reservations started.
    net::post(strand, [&] { store_with_reservations(strand, redis.url(), completed).reset(); });
    // Destroyed from another thread while they are in flight.
    std::promise<std::unique_ptr<redis_quota_store>> made;
    net::post(strand,
              [&] { made.set_value(store_with_reservations(strand, redis.url(), completed)); });
    made.get_future().get().reset();

    BOOST_TEST(wait_until([&] { return completed.done == 2 * reservations_per_store; }, 20s));
    BOOST_TEST(completed.threw == 0);
    // Nothing is left running once the stores are gone: the threads run out of work.
    work.reset();
    const bool stopped = wait_until([&] { return ioc.stopped(); }, 10s);
    if (!stopped)
        ioc.stop();
    for (auto& t : threads)
        t.join();
    BOOST_TEST(stopped);
}

// `client c(ioc); c.async_rerank(...); ioc.run();` must return when the call is done although
// the client (and its store) live on: an idle store holds no work on its io_context, whether
// Redis is up, down, or came back.
BOOST_AUTO_TEST_CASE(an_idle_store_holds_no_work) {
    redis_server redis;
    for (const bool redis_up : {true, false}) {
        if (!redis_up)
            redis.kill();
        net::io_context ioc;
        redis_quota_store store(ioc.get_executor(), quota_options(redis.url()), "idle_test");
        int answered = 0;
        auto reserve_some = [&]() -> net::awaitable<void> {
            for (int i = 0; i < 3; ++i) {
                const auto answer = co_await store.reserve({}, {{1e6, 1'000'000}, {}}, no_max_wait);
                BOOST_TEST(answer.shared == redis_up);
                ++answered;
            }
        };
        for (int round = 0; round < 2; ++round) {
            net::co_spawn(ioc, reserve_some(), net::detached);
            const auto start = std::chrono::steady_clock::now();
            ioc.run(); // returns once the reservations are answered
            ioc.restart();
            BOOST_TEST(answered == 3 * (round + 1));
            // No timer left to run out: a command timeout (250 ms) at most, when Redis is down
            // and the first connection is still being refused.
            const bool prompt = std::chrono::steady_clock::now() - start < 1s;
            BOOST_TEST(prompt, "Redis up: " << redis_up);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
