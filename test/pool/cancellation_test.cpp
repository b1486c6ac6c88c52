// Per-operation cancellation (terminal and partial, through the handler's cancellation slot) at
// every stage of a call: queued for a connection, connecting, TLS handshake, writing, reading,
// sleeping between attempts. Each call ends promptly with `cancelled` and the pool stays
// healthy.
#include "pool/pool_support.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

using namespace rerank;
using namespace rerank::test;
using namespace std::chrono_literals;
namespace net = boost::asio;
namespace bdata = boost::unit_test::data;
using ms = std::chrono::milliseconds;

namespace {

// A cancellation type that prints itself in test logs.
struct cancellation_kind {
    net::cancellation_type type;
    operator net::cancellation_type() const { return type; }
};

std::ostream& operator<<(std::ostream& out, cancellation_kind k) {
    return out << (k.type == net::cancellation_type::terminal  ? "terminal"
                   : k.type == net::cancellation_type::partial ? "partial"
                                                               : "total");
}

const std::vector<cancellation_kind> cancellation_types{{net::cancellation_type::terminal},
                                                        {net::cancellation_type::partial},
                                                        {net::cancellation_type::total}};

// Waits until `in_stage()`, lets the call sit there for `settle`, cancels it with `type` and
// checks that it completes with `cancelled` within 1 s. The stage is one the call never leaves
// by itself (the peer is silent), so the settle only has to cover the step into it.
net::awaitable<void> cancel_in_stage(background_call& call, net::cancellation_type type,
                                     std::function<bool()> in_stage, ms settle = 30ms) {
    BOOST_TEST_REQUIRE(co_await wait_until(in_stage, 5s), "the call never reached the stage");
    co_await sleep_for(settle);
    BOOST_TEST_REQUIRE(!call.done, "the call ended before it was cancelled: " << call.ec.message());
    const auto emitted = steady::now();
    call.signal.emit(type);
    BOOST_TEST_REQUIRE(co_await wait_until([&] { return call.done; }, 2s), "cancellation ignored");
    const ms took = std::chrono::duration_cast<ms>(call.finished - emitted);
    BOOST_TEST(call.ec == errc::cancelled, call.ec.message() << " / " << call.diag.to_string());
    BOOST_TEST(took.count() < 1000, "completed " << took.count() << " ms after the signal");
}

// A client of a server that never answers: after the cancellation, a call with a short
// deadline ends in `timeout` (the pool still works) and nothing is left open.
net::awaitable<void> expect_pool_still_works(client& c) {
    request req = sample_request();
    req.timeout = 100ms;
    auto out = co_await call(c, req);
    BOOST_TEST(out.ec == errc::timeout, out.diag.to_string());
    expect_pool_empty(c);
}

// A client of the emulator: after the cancellation, a normal call succeeds.
net::awaitable<void> expect_pool_healthy(client& c, emulator::server& server) {
    server.clear_faults();
    auto out = co_await call(c, sample_request());
    BOOST_TEST(!out.ec, out.diag.to_string());
    BOOST_TEST(c.stats().in_use == 0u);
    BOOST_TEST(c.stats().waiting == 0u);
}

} // namespace

BOOST_AUTO_TEST_SUITE(per_operation_cancellation)

BOOST_DATA_TEST_CASE(while_queued_for_a_connection, bdata::make(cancellation_types), type) {
    emulator_fixture f;
    f.run([&]() -> net::awaitable<void> {
        fault_script script;
        script.reset({emulator::fault::stall()});
        f.server.set_fault_hook(script.hook());
        client_options opts = quick_retry_options(f.server);
        opts.pool.max_connections = 1;
        client c(f.ioc.get_executor(), opts);

        background_call holder, queued;
        holder.start(c);
        BOOST_TEST_REQUIRE(co_await wait_until([&] { return script.count() == 1; }, 5s));
        queued.start(c);
        co_await cancel_in_stage(queued, type, [&] { return c.stats().waiting == 1; });
        BOOST_TEST(c.stats().waiting == 0u);
        BOOST_TEST(script.count() == 1u); // the queued call never reached the server
        BOOST_TEST(!holder.done);
        co_await cancel_in_stage(
            holder, type, [] { return true; }, 0ms);
        co_await expect_pool_healthy(c, f.server);
    });
}

BOOST_DATA_TEST_CASE(while_connecting, bdata::make(cancellation_types), type) {
    test::io_fixture f;
    f.run([&]() -> net::awaitable<void> {
        silent_listener full(f.ioc, /*backlog_full=*/true);
        client c(f.ioc.get_executor(), options_for_url(full.base_url(false)));
        background_call connecting;
        connecting.start(c);
        co_await cancel_in_stage(connecting, type, [&] { return c.stats().open == 1; });
        BOOST_TEST(c.stats().connections_created == 0u);
        expect_pool_empty(c);
        co_await expect_pool_still_works(c);
    });
}

BOOST_DATA_TEST_CASE(while_handshaking, bdata::make(cancellation_types), type) {
    test::io_fixture f;
    f.run([&]() -> net::awaitable<void> {
        silent_listener silent(f.ioc);
        client c(f.ioc.get_executor(), options_for_url(silent.base_url(true)));
        background_call handshaking;
        handshaking.start(c);
        co_await cancel_in_stage(handshaking, type, [&] { return c.stats().open == 1; });
        BOOST_TEST(c.stats().connections_created == 0u);
        BOOST_TEST(c.stats().handshakes_full == 0u);
        expect_pool_empty(c);
        co_await expect_pool_still_works(c);
    });
}

BOOST_DATA_TEST_CASE(while_writing, bdata::make(cancellation_types), type) {
    // A plain-HTTP listener that never reads, with a small receive buffer, and an 8 MB request:
    // the connection is made at once and the write blocks after a few MB.
    test::io_fixture f;
    f.run([&]() -> net::awaitable<void> {
        silent_listener silent(f.ioc);
        client c(f.ioc.get_executor(), options_for_url(silent.base_url(false)));
        background_call writing;
        writing.req = large_request(8);
        writing.start(c);
        co_await cancel_in_stage(writing, type, [&] { return c.stats().connections_created == 1; });
        expect_pool_empty(c);
        co_await expect_pool_still_works(c);
    });
}

BOOST_DATA_TEST_CASE(while_reading, bdata::make(cancellation_types), type) {
    emulator_fixture f;
    f.run([&]() -> net::awaitable<void> {
        fault_script script;
        script.reset({emulator::fault::stall()});
        f.server.set_fault_hook(script.hook());
        client c(f.ioc.get_executor(), quick_retry_options(f.server));
        background_call reading;
        reading.start(c);
        co_await cancel_in_stage(reading, type, [&] { return script.count() == 1; });
        BOOST_TEST(reading.diag.attempts == 1u);
        co_await expect_pool_healthy(c, f.server);
        // The stalled connection was closed, not reused.
        BOOST_TEST(c.stats().connections_created == 2u);
    });
}

BOOST_DATA_TEST_CASE(while_sleeping_between_attempts, bdata::make(cancellation_types), type) {
    emulator_fixture f;
    f.run([&]() -> net::awaitable<void> {
        fault_script script;
        script.reset({emulator::fault::status(503, "", {{"Retry-After", "5"}})});
        f.server.set_fault_hook(script.hook());
        client c(f.ioc.get_executor(), quick_retry_options(f.server));
        background_call sleeping;
        sleeping.start(c);
        // The 503 came back and the connection went idle: the call sleeps for 5 s.
        co_await cancel_in_stage(sleeping, type,
                                 [&] { return script.count() == 1 && c.stats().idle == 1; });
        BOOST_TEST(script.count() == 1u); // no second attempt
        BOOST_TEST(sleeping.diag.attempts == 1u);
        co_await expect_pool_healthy(c, f.server);
        BOOST_TEST(c.stats().connections_created == 1u); // the idle connection was kept
    });
}

BOOST_AUTO_TEST_CASE(a_cancellation_after_completion_is_harmless) {
    emulator_fixture f;
    f.run([&]() -> net::awaitable<void> {
        client c(f.ioc.get_executor(), quick_retry_options(f.server));
        background_call done;
        done.start(c);
        BOOST_TEST_REQUIRE(co_await wait_until([&] { return done.done; }, 5s));
        BOOST_TEST(!done.ec, done.diag.to_string());
        done.signal.emit(net::cancellation_type::terminal); // nobody listens any more
        co_await expect_pool_healthy(c, f.server);
    });
}

BOOST_AUTO_TEST_SUITE_END()
