// The retry budget against an API that always answers 503: after a few retries, calls stop
// retrying, so the server sees far fewer requests than calls × max_attempts; successes earn the
// retries back slowly.
#include "pool/pool_support.hpp"

#include <boost/test/unit_test.hpp>

using namespace rerank;
using namespace rerank::test;
using namespace std::chrono_literals;
namespace net = boost::asio;

BOOST_FIXTURE_TEST_SUITE(retry_budget_against_a_failing_api, emulator_fixture)

BOOST_AUTO_TEST_CASE(calls_stop_retrying_once_the_budget_is_spent) {
    run([&]() -> net::awaitable<void> {
        constexpr int calls = 50;
        fault_script script;
        script.reset(
            {}, emulator::fault::status(503, R"({"code":"ModelUnavailable","message":"down"})"));
        server.set_fault_hook(script.hook());
        client_options opts = quick_retry_options(server);
        opts.retry.initial_backoff = 1ms;
        opts.retry.max_attempts = 4; // budget: 10 tokens, refill 0.1 (the defaults)
        client c(ioc.get_executor(), opts);

        std::vector<unsigned> attempts;
        for (int i = 0; i < calls; ++i) {
            auto out = co_await call(c, sample_request());
            BOOST_TEST(out.ec == errc::server_error);
            attempts.push_back(out.diag.attempts);
        }
        // The first call spends 4 tokens (10 → 6) retrying 3 times; the second call's failure
        // leaves 5, not more than half: no call retries after that.
        BOOST_TEST(attempts.front() == 4u);
        for (int i = 1; i < calls; ++i)
            BOOST_TEST(attempts[i] == 1u, "call " << i);
        BOOST_TEST(script.count() == std::size_t(4 + calls - 1)); // 53, not 200
        BOOST_TEST(c.stats().retries == 3u);

        // 70 successes earn 7 tokens: the next failing call may retry once (7 → 6 → 5).
        script.reset({});
        for (int i = 0; i < 70; ++i) {
            auto out = co_await call(c, sample_request());
            BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());
        }
        script.reset({}, emulator::fault::status(503, ""));
        auto out = co_await call(c, sample_request());
        BOOST_TEST(out.ec == errc::server_error);
        BOOST_TEST(out.diag.attempts == 2u, out.diag.attempt_history);
    });
}

BOOST_AUTO_TEST_CASE(concurrent_calls_share_the_budget) {
    // 40 calls at once against a dead API: the budget is per endpoint, so together they make
    // only a handful of retries.
    run([&]() -> net::awaitable<void> {
        fault_script script;
        script.reset({}, emulator::fault::status(503, ""));
        server.set_fault_hook(script.hook());
        client_options opts = quick_retry_options(server);
        opts.retry.initial_backoff = 5ms;
        client c(ioc.get_executor(), opts);
        const request req = sample_request();
        int done = 0;
        for (int i = 0; i < 40; ++i)
            c.async_rerank(req, [&](error_code ec, response) {
                BOOST_TEST(ec == errc::server_error);
                ++done;
            });
        BOOST_TEST_REQUIRE(co_await wait_until([&] { return done == 40; }, 10s));
        // 40 first attempts, then at most the retries 5 tokens pay for.
        BOOST_TEST(script.count() <= 45u, script.count() << " requests");
        BOOST_TEST(c.stats().retries <= 5u);
    });
}

BOOST_AUTO_TEST_SUITE_END()
