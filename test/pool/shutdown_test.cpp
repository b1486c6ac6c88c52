// client.cancel() and destroying the client with 100 calls in flight: 32 stalled on
// connections, 68 queued for one. Every call completes promptly with `cancelled`; nothing is
// left behind on the io_context (the fixture checks) or in memory (ASan's leak check).
#include "pool/pool_support.hpp"

#include <boost/test/unit_test.hpp>

using namespace rerank;
using namespace rerank::test;
using namespace std::chrono_literals;
namespace net = boost::asio;
using ms = std::chrono::milliseconds;

namespace {

constexpr std::size_t calls_in_flight = 100;
constexpr std::size_t pool_size = 32; // the default max_connections

struct stalled_calls {
    std::vector<std::unique_ptr<background_call>> calls;

    void start(client& c) {
        for (std::size_t i = 0; i < calls_in_flight; ++i) {
            calls.push_back(std::make_unique<background_call>());
            calls.back()->start(c);
        }
    }
    std::size_t done() const {
        return std::size_t(
            std::count_if(calls.begin(), calls.end(), [](const auto& c) { return c->done; }));
    }
    // Every call ended with `cancelled` within `limit` of `since`.
    void expect_all_cancelled(steady::time_point since, ms limit) const {
        for (const auto& c : calls) {
            BOOST_TEST(c->ec == errc::cancelled, c->ec.message());
            const auto took = std::chrono::duration_cast<ms>(c->finished - since);
            BOOST_TEST(took.count() < limit.count(), "completed " << took.count() << " ms after");
        }
    }
};

// 32 requests stalled on the server and 68 calls queued in the client.
net::awaitable<void> reach_steady_stall(client& c, const fault_script& script) {
    const bool all_in_place = co_await wait_until(
        [&] {
            return script.count() == pool_size && c.stats().waiting == calls_in_flight - pool_size;
        },
        20s);
    BOOST_TEST_REQUIRE(all_in_place, "requests stalled: " << script.count()
                                                          << ", waiting: " << c.stats().waiting);
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(client_shutdown, emulator_fixture)

BOOST_AUTO_TEST_CASE(cancel_completes_every_call_in_flight) {
    run([&]() -> net::awaitable<void> {
        fault_script script;
        script.reset({}, emulator::fault::stall());
        server.set_fault_hook(script.hook());
        client c(ioc.get_executor(), client_options_for(server));
        stalled_calls stalled;
        stalled.start(c);
        co_await reach_steady_stall(c, script);

        const auto cancelled_at = steady::now();
        c.cancel();
        BOOST_TEST_REQUIRE(
            co_await wait_until([&] { return stalled.done() == calls_in_flight; }, 5s),
            stalled.done() << " of " << calls_in_flight << " completed");
        stalled.expect_all_cancelled(cancelled_at, 1000ms);
        const pool_stats s = c.stats();
        BOOST_TEST(s.in_use == 0u);
        BOOST_TEST(s.waiting == 0u);
        BOOST_TEST(s.open == 0u);
        BOOST_TEST(co_await wait_until([&] { return server.stats().connections_open == 0; }, 5s));

        // The client stays usable.
        script.reset({});
        auto after = co_await call(c, sample_request());
        BOOST_TEST(!after.ec, after.diag.to_string());
    });
}

BOOST_AUTO_TEST_CASE(destroying_the_client_completes_every_call_in_flight) {
    run([&]() -> net::awaitable<void> {
        fault_script script;
        script.reset({}, emulator::fault::stall());
        server.set_fault_hook(script.hook());
        auto c = std::make_unique<client>(ioc.get_executor(), client_options_for(server));
        stalled_calls stalled;
        stalled.start(*c);
        co_await reach_steady_stall(*c, script);

        const auto destroyed_at = steady::now();
        c.reset();
        BOOST_TEST_REQUIRE(
            co_await wait_until([&] { return stalled.done() == calls_in_flight; }, 5s),
            stalled.done() << " of " << calls_in_flight << " completed");
        stalled.expect_all_cancelled(destroyed_at, 1000ms);
        // Every connection was closed: the server sees them go.
        BOOST_TEST(co_await wait_until([&] { return server.stats().connections_open == 0; }, 5s));
    });
}

BOOST_AUTO_TEST_CASE(destroying_the_client_from_a_completion_handler) {
    // The first call to complete destroys the client while the others are still in flight.
    run([&]() -> net::awaitable<void> {
        fault_script script;
        script.reset({emulator::fault::normal()}, emulator::fault::stall());
        server.set_fault_hook(script.hook());
        auto c = std::make_unique<client>(ioc.get_executor(), client_options_for(server));
        const request req = sample_request();
        std::vector<error_code> codes;
        for (int i = 0; i < 10; ++i)
            c->async_rerank(req, [&](error_code ec, response) {
                codes.push_back(ec);
                if (codes.size() == 1)
                    c.reset();
            });
        BOOST_TEST_REQUIRE(co_await wait_until([&] { return codes.size() == 10; }, 5s));
        BOOST_TEST(!codes.front());
        for (std::size_t i = 1; i < codes.size(); ++i)
            BOOST_TEST(codes[i] == errc::cancelled, codes[i].message());
        BOOST_TEST(c == nullptr);
    });
}

BOOST_AUTO_TEST_CASE(cancel_with_nothing_in_flight_closes_idle_connections) {
    run([&]() -> net::awaitable<void> {
        client c(ioc.get_executor(), client_options_for(server));
        auto warm = co_await call(c, sample_request());
        BOOST_TEST_REQUIRE(!warm.ec);
        BOOST_TEST(c.stats().idle == 1u);
        c.cancel();
        BOOST_TEST(co_await wait_until([&] { return c.stats().open == 0; }, 2s));
        BOOST_TEST(c.stats().idle == 0u);
        auto after = co_await call(c, sample_request());
        BOOST_TEST(!after.ec, after.diag.to_string());
        BOOST_TEST(c.stats().connections_created == 2u);
    });
}

BOOST_AUTO_TEST_SUITE_END()
