// The call's deadline covers every stage: waiting for a connection, connecting, the TLS
// handshake, writing, reading and the waits between attempts. The pool's phase limits
// (connect_timeout, handshake_timeout) bound their phase alone.
#include "pool/pool_support.hpp"

#include <boost/test/unit_test.hpp>

using namespace rerank;
using namespace rerank::test;
using namespace std::chrono_literals;
namespace net = boost::asio;
using ms = std::chrono::milliseconds;

namespace {

// A call's outcome and how long it took.
struct timed_outcome {
    call_outcome out;
    ms elapsed;
};

// One call of `req` with deadline `deadline`, timed.
net::awaitable<timed_outcome> timed_call(client& c, request req, ms deadline) {
    req.timeout = deadline;
    const auto start = steady::now();
    call_outcome out = co_await call(c, req);
    co_return timed_outcome{std::move(out), since(start)};
}

// One call with deadline `deadline`; checks it timed out within [deadline, deadline + slack).
net::awaitable<call_outcome> expect_timeout(client& c, request req, ms deadline,
                                            ms slack = 1000ms) {
    const timed_outcome t = co_await timed_call(c, std::move(req), deadline);
    BOOST_TEST(t.out.ec == errc::timeout, t.out.ec.message() << " / " << t.out.diag.to_string());
    BOOST_TEST(t.elapsed.count() >= deadline.count() - 5, "took " << t.elapsed.count() << " ms");
    BOOST_TEST(t.elapsed.count() < (deadline + slack).count(),
               "took " << t.elapsed.count() << " ms");
    co_return t.out;
}

// One call to `url`, where the pool phase that `phase_limit` bounds never ends, with that limit
// at 300 ms and a far deadline: the call times out after the limit alone, in a message that
// names `phase`, and is not retried.
net::awaitable<void> expect_phase_timeout(net::io_context& ioc, std::string url,
                                          ms pool_options::*phase_limit, const char* phase) {
    constexpr ms limit = 300ms;
    client_options opts = options_for_url(url);
    opts.pool.*phase_limit = limit;
    client c(ioc.get_executor(), opts);
    const timed_outcome t = co_await timed_call(c, sample_request(), 10s);
    const std::string& message = t.out.diag.client_message;
    BOOST_TEST(t.out.ec == errc::timeout, t.out.diag.to_string());
    BOOST_TEST(message.find(phase) != std::string::npos, message);
    BOOST_TEST(t.elapsed.count() >= limit.count() - 5, "took " << t.elapsed.count() << " ms");
    // A phase timeout is not retried (see the report: retry.hpp's comment says it might be).
    BOOST_TEST(t.elapsed.count() < 3000, "took " << t.elapsed.count() << " ms");
    expect_pool_empty(c);
}

} // namespace

BOOST_AUTO_TEST_SUITE(deadlines)

BOOST_FIXTURE_TEST_CASE(deadline_covers_waiting_for_a_connection, emulator_fixture) {
    run([&]() -> net::awaitable<void> {
        fault_script script;
        script.reset({emulator::fault::stall()});
        server.set_fault_hook(script.hook());
        client_options opts = quick_retry_options(server);
        opts.pool.max_connections = 1;
        client c(ioc.get_executor(), opts);

        background_call holder; // takes the only connection and stalls on it
        holder.req.timeout = 10s;
        holder.start(c);
        BOOST_TEST_REQUIRE(co_await wait_until([&] { return script.count() == 1; }, 5s));

        auto out = co_await expect_timeout(c, sample_request(), 300ms);
        BOOST_TEST(out.diag.attempts == 0u); // queued, never sent
        BOOST_TEST(out.diag.client_message.find("queued for a connection") != std::string::npos,
                   out.diag.client_message);
        BOOST_TEST(server.stats().requests == 1u); // the second call never reached the server
        BOOST_TEST(!holder.done);

        holder.signal.emit(net::cancellation_type::terminal);
        BOOST_TEST_REQUIRE(co_await wait_until([&] { return holder.done; }, 2s));
        BOOST_TEST(holder.ec == errc::cancelled);
        auto after = co_await call(c, sample_request());
        BOOST_TEST(!after.ec, after.diag.to_string());
        BOOST_TEST(c.stats().in_use == 0u);
    });
}

BOOST_FIXTURE_TEST_CASE(deadline_covers_connecting, io_fixture) {
    run([&]() -> net::awaitable<void> {
        silent_listener full(ioc, /*backlog_full=*/true);
        client c(ioc.get_executor(), options_for_url(full.base_url(false)));
        auto out = co_await expect_timeout(c, sample_request(), 300ms);
        BOOST_TEST(out.diag.attempts == 1u);
        BOOST_TEST(c.stats().connections_created == 0u);
        expect_pool_empty(c);
    });
}

BOOST_FIXTURE_TEST_CASE(connect_timeout_bounds_connecting_alone, io_fixture) {
    run([&]() -> net::awaitable<void> {
        silent_listener full(ioc, /*backlog_full=*/true);
        co_await expect_phase_timeout(ioc, full.base_url(false), &pool_options::connect_timeout,
                                      "connect");
    });
}

BOOST_FIXTURE_TEST_CASE(deadline_covers_the_tls_handshake, io_fixture) {
    run([&]() -> net::awaitable<void> {
        silent_listener silent(ioc);
        client c(ioc.get_executor(), options_for_url(silent.base_url(true)));
        auto out = co_await expect_timeout(c, sample_request(), 300ms);
        BOOST_TEST(out.diag.attempts == 1u);
        BOOST_TEST(c.stats().connections_created == 0u);
        BOOST_TEST(c.stats().handshakes_full == 0u);
        expect_pool_empty(c);
    });
}

BOOST_FIXTURE_TEST_CASE(handshake_timeout_bounds_the_handshake_alone, io_fixture) {
    run([&]() -> net::awaitable<void> {
        silent_listener silent(ioc); // accepts, never answers the TLS hello
        co_await expect_phase_timeout(ioc, silent.base_url(true), &pool_options::handshake_timeout,
                                      "handshake");
    });
}

BOOST_FIXTURE_TEST_CASE(deadline_covers_writing, io_fixture) {
    run([&]() -> net::awaitable<void> {
        silent_listener silent(ioc); // plain HTTP: connected at once, never reads
        client c(ioc.get_executor(), options_for_url(silent.base_url(false)));
        auto out = co_await expect_timeout(c, large_request(8), 1000ms, 1500ms);
        BOOST_TEST(out.diag.attempts == 1u);
        BOOST_TEST(c.stats().connections_created == 1u);
        expect_pool_empty(c);
    });
}

BOOST_FIXTURE_TEST_CASE(deadline_covers_reading_from_a_silent_server, io_fixture) {
    run([&]() -> net::awaitable<void> {
        silent_listener silent(ioc); // the small request fits the buffers; no answer comes
        client c(ioc.get_executor(), options_for_url(silent.base_url(false)));
        auto out = co_await expect_timeout(c, sample_request(), 300ms);
        BOOST_TEST(out.diag.attempts == 1u);
        expect_pool_empty(c);
    });
}

BOOST_FIXTURE_TEST_CASE(deadline_covers_reading_a_stalled_answer, emulator_fixture) {
    run([&]() -> net::awaitable<void> {
        client c(ioc.get_executor(), quick_retry_options(server));
        auto warm = co_await call(c, sample_request()); // the stall hits a reused connection
        BOOST_TEST_REQUIRE(!warm.ec);
        server.push_fault(emulator::fault::stall());
        auto out = co_await expect_timeout(c, sample_request(), 300ms);
        BOOST_TEST(out.diag.attempts == 1u);
        auto after = co_await call(c, sample_request());
        BOOST_TEST(!after.ec, after.diag.to_string());
        BOOST_TEST(c.stats().in_use == 0u);
    });
}

BOOST_FIXTURE_TEST_CASE(retry_after_beyond_the_deadline_fails_at_once, emulator_fixture) {
    // Waiting 30 s would overrun a 1 s deadline: the call reports the 503 it got at once
    // instead of sleeping into its deadline (and never 30 s).
    run([&]() -> net::awaitable<void> {
        server.push_fault(emulator::fault::status(503, "", {{"Retry-After", "30"}}));
        client c(ioc.get_executor(), quick_retry_options(server));
        const auto [out, elapsed] = co_await timed_call(c, sample_request(), 1s);
        BOOST_TEST(out.ec == errc::server_error, out.diag.to_string());
        BOOST_TEST(out.diag.http_status == 503u);
        BOOST_TEST(out.diag.attempts == 1u);
        BOOST_TEST(server.stats().requests == 1u);
        BOOST_TEST(elapsed.count() < 1200, "took " << elapsed.count() << " ms");
    });
}

BOOST_FIXTURE_TEST_CASE(deadline_bounds_the_whole_retry_loop, emulator_fixture) {
    // Every answer is a 503 asking for 300 ms: with an 800 ms deadline there is room for three
    // attempts (at about 0, 300 and 600 ms), not for the ten allowed.
    run([&]() -> net::awaitable<void> {
        fault_script script;
        script.reset({}, emulator::fault::status(503, "", {{"retry-after-ms", "300"}}));
        server.set_fault_hook(script.hook());
        client_options opts = quick_retry_options(server);
        opts.retry.max_attempts = 10;
        client c(ioc.get_executor(), opts);
        const auto [out, elapsed] = co_await timed_call(c, sample_request(), 800ms);
        BOOST_TEST(out.ec == errc::server_error, out.diag.to_string());
        BOOST_TEST(out.diag.attempts == 3u, out.diag.attempt_history);
        BOOST_TEST(script.count() == 3u);
        BOOST_TEST(elapsed.count() >= 600);
        BOOST_TEST(elapsed.count() < 800, "took " << elapsed.count() << " ms");
    });
}

BOOST_AUTO_TEST_SUITE_END()
