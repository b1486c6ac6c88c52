// The time_limit: the one mechanism behind the call's deadline and the connect/handshake limits.
#include "http/time_limit.hpp"

#include "support/io_fixture.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

using namespace rerank::detail;
using namespace std::chrono_literals;
namespace net = boost::asio;

namespace {

// Counts the times it was interrupted.
struct wait_target {
    int interrupted = 0;
    void cancel() { ++interrupted; }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(time_limit_mechanism, rerank::test::io_fixture)

BOOST_AUTO_TEST_CASE(runs_the_interrupter_once_at_its_time) {
    wait_target target;
    time_limit a(ioc.get_executor());
    const auto start = time_limit::clock::now();
    a.arm(start + 20ms, interrupter::cancel_of(target));
    ioc.run();
    BOOST_TEST(target.interrupted == 1);
    BOOST_TEST(a.fired());
    BOOST_TEST((time_limit::clock::now() - start >= 20ms));
}

BOOST_AUTO_TEST_CASE(a_time_already_past_runs_from_the_executor_not_inline) {
    wait_target target;
    time_limit a(ioc.get_executor());
    a.arm(time_limit::clock::now() - 1s, interrupter::cancel_of(target));
    BOOST_TEST(target.interrupted == 0);
    ioc.run();
    BOOST_TEST(target.interrupted == 1);
}

BOOST_AUTO_TEST_CASE(disarmed_it_never_runs_even_if_its_handler_was_queued) {
    wait_target target;
    time_limit a(ioc.get_executor());
    a.arm(time_limit::clock::now() - 1s, interrupter::cancel_of(target));
    ioc.poll_one(); // nothing yet, or the expiry queued
    a.disarm();
    a.disarm(); // idempotent
    ioc.run();
    BOOST_TEST(target.interrupted <= 1); // (the poll may have run it before the disarm)
    const int before = target.interrupted;
    a.arm(time_limit::clock::now() + 10s, interrupter::cancel_of(target));
    a.disarm();
    ioc.restart();
    ioc.run(); // returns at once: a disarmed time_limit holds no work
    BOOST_TEST(target.interrupted == before);
}

BOOST_AUTO_TEST_CASE(arming_again_replaces_time_and_interrupter) {
    wait_target first, second;
    time_limit a(ioc.get_executor());
    a.arm(time_limit::clock::now() + 10s, interrupter::cancel_of(first));
    a.arm(time_limit::clock::now() + 5ms, interrupter::cancel_of(second));
    ioc.run();
    BOOST_TEST(first.interrupted == 0);
    BOOST_TEST(second.interrupted == 1);
}

BOOST_AUTO_TEST_CASE(destroying_it_disarms_it) {
    wait_target target;
    {
        time_limit a(ioc.get_executor());
        a.arm(time_limit::clock::now() + 5ms, interrupter::cancel_of(target));
    }
    ioc.run();
    BOOST_TEST(target.interrupted == 0);
}

BOOST_AUTO_TEST_CASE(it_interrupts_what_a_call_waits_on) {
    // The deadline path: the time_limit stops the call, whose control interrupts the current wait.
    run([&]() -> net::awaitable<void> {
        call_control control;
        net::steady_timer wait(ioc, 10s);
        time_limit deadline(ioc.get_executor());
        deadline.arm(time_limit::clock::now() + 10ms,
                     interrupter{[](void* c) {
                                     static_cast<call_control*>(c)->request_stop(
                                         call_control::stop_reason::deadline);
                                 },
                                 &control});
        {
            call_control::waiting_guard guard(control, interrupter::cancel_of(wait));
            auto [ec] = co_await wait.async_wait(net::as_tuple(net::use_awaitable));
            BOOST_TEST((ec == net::error::operation_aborted));
        }
        BOOST_TEST((control.stopped() == call_control::stop_reason::deadline));
    });
}

BOOST_AUTO_TEST_SUITE_END()
