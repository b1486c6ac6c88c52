// The fault matrix: one row per misbehaviour of the server, with the outcome the client must
// reach (success after retrying, or which typed error), how many requests the emulator saw, how
// many attempts the diagnostics report, and bounds on the time it took.
#include "pool/fault_row.hpp"
#include "pool/pool_support.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ctime>
#include <optional>
#include <ostream>

using namespace rerank;
using namespace rerank::test;
using namespace std::chrono_literals;
namespace net = boost::asio;
namespace bdata = boost::unit_test::data;
using emulator::fault;

namespace {

std::string compatible_error(std::string_view code, std::string_view message) {
    return R"({"error":{"message":")" + std::string(message) +
           R"(","type":"error","param":null,"code":")" + std::string(code) +
           R"("},"request_id":"req-matrix"})";
}

fault status(unsigned code, std::string_view provider_code,
             std::vector<std::pair<std::string, std::string>> headers = {}) {
    return fault::status(code, compatible_error(provider_code, "scripted by the fault matrix"),
                         std::move(headers));
}

// An IMF-fixdate `seconds` from now, truncated to the second.
std::string http_date_in(std::chrono::seconds seconds) {
    std::time_t t =
        std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[64];
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return text;
}

// Rows whose first attempt fails with a transient error, and which then succeed.
fault_row retried_once(std::string name, fault f) {
    return row(std::move(name))
        .faults({std::move(f)})
        .succeeds()
        .requests(2)
        .attempts_reported(2)
        .within(1500ms);
}

// Rows answered once with an error that is never retried.
fault_row never_retried(std::string name, fault f, errc e) {
    return row(std::move(name))
        .faults({std::move(f)})
        .fails(e)
        .requests(1)
        .attempts_reported(1)
        .within(1500ms);
}

std::vector<fault_row> fault_rows() {
    std::vector<fault_row> rows;
    // Throttling.
    rows.push_back(retried_once("429 with Retry-After: 1, then success",
                                status(429, "Throttling.RateQuota", {{"Retry-After", "1"}}))
                       .within(2500ms, 1000ms)
                       .gap_between_attempts(1000ms, 2000ms));
    // (Other Retry-After values and dates are the retry decision's unit tests, on a virtual
    // clock; this row and the next show that the client really waits what the server asked.)
    rows.push_back(
        retried_once("429 with a Retry-After HTTP date 2 s ahead, then success", fault::normal())
            .faults_made_by([] {
                return std::vector<fault>{
                    status(429, "Throttling", {{"Retry-After", http_date_in(2s)}})};
            })
            .within(3500ms, 900ms)
            .gap_between_attempts(900ms, 2500ms));
    rows.push_back(
        retried_once("429 with retry-after-ms: 300 beside Retry-After: 10",
                     status(429, "Throttling", {{"Retry-After", "10"}, {"retry-after-ms", "300"}}))
            .gap_between_attempts(300ms, 1200ms));
    // Throttling is waited out as the server asks, not cut short to max_backoff.
    rows.push_back(retried_once("429 asking longer than max_backoff waits what it asks",
                                status(429, "Throttling", {{"retry-after-ms", "900"}}))
                       .backoff_cap(400ms)
                       .within(2500ms, 900ms)
                       .gap_between_attempts(900ms, 2000ms));
    rows.push_back(retried_once("429 Throttling.RateQuota without Retry-After, then success",
                                status(429, "Throttling.RateQuota")));
    rows.push_back(retried_once("429 Throttling.AllocationQuota, then success",
                                status(429, "Throttling.AllocationQuota")));
    rows.push_back(never_retried("429 billing (PrepaidBillOverdue) is not retried",
                                 status(429, "PrepaidBillOverdue"), errc::quota_exceeded));
    rows.push_back(never_retried("429 billing (insufficient_quota) is not retried",
                                 status(429, "insufficient_quota"), errc::quota_exceeded));
    rows.push_back(never_retried("400 billing (Arrearage) is not retried", status(400, "Arrearage"),
                                 errc::quota_exceeded));
    // Server errors.
    for (unsigned code : {500u, 502u, 503u, 504u})
        rows.push_back(
            retried_once(std::to_string(code) + ", then success", status(code, "InternalError")));
    rows.push_back(retried_once(
        "503 HTML page from a gateway, then success",
        fault::status(503, "<html><body>Service Unavailable</body></html>", {}, "text/html")));
    rows.push_back(retried_once("408, then success", status(408, "RequestTimeOut")));
    rows.push_back(
        never_retried("501 is not retried", status(501, "NotImplemented"), errc::server_error));
    rows.push_back(
        row("503 every time: all 4 attempts, then server_error")
            .faults_made_by([] { return std::vector<fault>(8, status(503, "ModelUnavailable")); })
            .fails(errc::server_error)
            .requests(4)
            .attempts_reported(4)
            .within(2000ms)
            .also([](const row_outcome& o) {
                const std::string& history = o.calls.at(0).diag.attempt_history;
                BOOST_TEST(std::count(history.begin(), history.end(), '\n') == 3,
                           "one line per failed attempt:\n"
                               << history);
                BOOST_TEST(history.find("attempt 4: server_error") != std::string::npos, history);
                BOOST_TEST(o.pool_delta.retries == 3u);
            }));
    rows.push_back(row("503 with max_attempts = 1 is not retried")
                       .faults({status(503, "ModelUnavailable")})
                       .attempts_allowed(1)
                       .fails(errc::server_error));
    // Client errors: exactly one attempt.
    rows.push_back(
        never_retried("400 is not retried", status(400, "InvalidParameter"), errc::bad_request));
    rows.push_back(never_retried("401 is not retried", status(401, "InvalidApiKey"),
                                 errc::authentication_failed));
    rows.push_back(
        never_retried("403 is not retried", status(403, "AccessDenied"), errc::permission_denied));
    rows.push_back(
        never_retried("404 is not retried", status(404, "ModelNotFound"), errc::not_found));
    // Too large: not sent again as it was, but split in two (issue #12: a single request too).
    rows.push_back(row("413 is sent again as two halves")
                       .faults({status(413, "BadRequest.TooLarge")})
                       .succeeds()
                       .requests(3)
                       .attempts_reported(3)
                       .within(1500ms));
    rows.push_back(
        never_retried("422 is not retried", status(422, "InvalidParameter"), errc::bad_request));
    rows.push_back(
        never_retried("302 is not followed",
                      fault::status(302, "", {{"Location", "https://127.0.0.1:1/elsewhere"}}),
                      errc::redirect_not_followed));
    // Broken connections and answers.
    rows.push_back(
        retried_once("connection dropped without an answer, then success", fault::drop()));
    rows.push_back(
        retried_once("reset in the middle of the body, then success", fault::reset_mid_body()));
    rows.push_back(retried_once("truncated body (Content-Length larger than sent), then success",
                                fault::truncated_body()));
    rows.push_back(
        retried_once("truncated right after the header, then success", fault::truncated_body(0)));
    rows.push_back(row("dropped 4 times: connection_failed after 4 attempts")
                       .faults(std::vector<fault>(4, fault::drop()))
                       .fails(errc::connection_failed)
                       .requests(4)
                       .attempts_reported(4));
    rows.push_back(row("stall: timeout at the call's deadline")
                       .faults({fault::stall()})
                       .deadline(800ms)
                       .fails(errc::timeout)
                       .within(2000ms, 800ms));
    rows.push_back(row("slow drip: success, just slow")
                       .faults({fault::slow_drip(64, 15ms)})
                       .succeeds()
                       .within(3000ms, 60ms));
    rows.push_back(row("delayed answer within the deadline: success")
                       .faults({fault::delay(300ms)})
                       .succeeds()
                       .within(1500ms, 300ms));
    rows.push_back(never_retried("malformed JSON: bad_response, no retry", fault::malformed_json(),
                                 errc::bad_response));
    rows.push_back(
        never_retried("inconsistent results: bad_response, no retry",
                      fault::wrong_results(emulator::results_inconsistency::duplicate_index),
                      errc::bad_response));
    // Keep-alive connections the server closes.
    rows.push_back(
        row("server closed the idle connection: detected, no error even with max_attempts = 1")
            .server_closes_idle_after(150ms)
            .warm_up(1, 500ms)
            .attempts_allowed(1)
            .succeeds()
            .also([](const row_outcome& o) {
                BOOST_TEST(o.pool_delta.closed_by_peer == 1u);
                BOOST_TEST(o.pool_delta.connections_created == 1u);
                BOOST_TEST(o.pool_delta.connections_reused == 0u);
            }));
    rows.push_back(
        row("server closed the idle connection after 20 ms, reused at 70 ms: detected all the same")
            .server_closes_idle_after(20ms)
            .warm_up(1, 70ms)
            .attempts_allowed(1)
            .succeeds()
            .attempts_reported(1)
            .also([](const row_outcome& o) {
                BOOST_TEST(o.pool_delta.closed_by_peer == 1u);
                BOOST_TEST(o.pool_delta.connections_created == 1u);
                BOOST_TEST(o.pool_delta.connections_reused == 0u);
            }));
    rows.push_back(
        row("reused connection dropped by the server: one stale retry, even with max_attempts = 1")
            .warm_up(1)
            .faults({fault::drop()})
            .attempts_allowed(1)
            .succeeds()
            .requests(2)
            .attempts_reported(2)
            .also([](const row_outcome& o) {
                BOOST_TEST(o.pool_delta.connections_reused == 1u);
                BOOST_TEST(o.pool_delta.connections_created == 1u);
                BOOST_TEST(o.pool_delta.closed_by_peer == 1u);
            }));
    rows.push_back(row("stale retry only once: dropped again on the fresh connection fails")
                       .warm_up(1)
                       .faults({fault::drop(), fault::drop()})
                       .attempts_allowed(1)
                       .fails(errc::connection_failed)
                       .requests(2)
                       .attempts_reported(2));
    rows.push_back(row("reset mid-body on a reused connection is not a stale connection")
                       .warm_up(1)
                       .faults({fault::reset_mid_body()})
                       .attempts_allowed(1)
                       .fails(errc::connection_failed)
                       .requests(1)
                       .attempts_reported(1));
    rows.push_back(
        row("Connection: close after every 2 responses: 5 calls, no error, 3 connections")
            .server_closes_after_responses(2)
            .attempts_allowed(1)
            .sequential_calls(5)
            .succeeds()
            .requests(5)
            .attempts_reported(1)
            .within(3000ms)
            .also([](const row_outcome& o) {
                BOOST_TEST(o.server.connections_accepted == 3u);
                BOOST_TEST(o.pool_delta.connections_created == 3u);
                BOOST_TEST(o.pool_delta.connections_reused == 2u);
                BOOST_TEST(o.pool_delta.closed_by_peer == 0u);
            }));
    return rows;
}

} // namespace

BOOST_AUTO_TEST_SUITE(fault_matrix)

BOOST_DATA_TEST_CASE(row_outcome_attempts_and_time, bdata::make(fault_rows()), r) {
    emulator::options server_opts = tls_emulator_options();
    server_opts.idle_close_after = r.idle_close_after;
    server_opts.close_after_responses = r.close_after_responses;
    emulator_fixture f(server_opts);
    fault_script script;
    f.server.set_fault_hook(script.hook());

    f.run(
        [&]() -> net::awaitable<void> {
            client_options opts = quick_retry_options(f.server);
            opts.retry.max_attempts = r.max_attempts;
            if (r.timeout)
                opts.timeout = *r.timeout;
            if (r.max_backoff)
                opts.retry.max_backoff = *r.max_backoff;
            client c(f.ioc.get_executor(), opts);
            const request req = sample_request();

            for (int i = 0; i < r.warmup_calls; ++i) {
                auto warm = co_await call(c, req);
                BOOST_TEST_REQUIRE(!warm.ec, warm.diag.to_string());
            }
            if (r.pause_after_warmup.count() > 0)
                co_await sleep_for(r.pause_after_warmup);
            f.server.reset_stats();
            script.reset(r.make_faults());
            const pool_stats before = c.stats();

            row_outcome o;
            const auto start = steady::now();
            for (int i = 0; i < r.calls; ++i)
                o.calls.push_back(co_await call(c, req));
            const ms elapsed = since(start);
            const pool_stats after = c.stats();
            o.server = f.server.stats();
            o.arrivals = script.arrivals();
            o.pool_delta.connections_created =
                after.connections_created - before.connections_created;
            o.pool_delta.connections_reused = after.connections_reused - before.connections_reused;
            o.pool_delta.closed_by_peer = after.closed_by_peer - before.closed_by_peer;
            o.pool_delta.attempts = after.attempts - before.attempts;
            o.pool_delta.retries = after.retries - before.retries;

            for (const call_outcome& out : o.calls) {
                BOOST_TEST(out.ec == r.expected, out.ec.message() << " / " << out.diag.to_string());
                BOOST_TEST(out.diag.attempts == r.attempts, out.diag.attempt_history);
                if (!r.expected)
                    BOOST_TEST(out.res.results.size() == req.documents.size());
            }
            BOOST_TEST(o.server.requests == r.server_requests);
            BOOST_TEST(o.pool_delta.attempts == std::uint64_t(r.attempts) * o.calls.size());
            BOOST_TEST(elapsed.count() <= r.max_elapsed.count(),
                       "took " << elapsed.count() << " ms");
            BOOST_TEST(elapsed.count() >= r.min_elapsed.count(),
                       "took " << elapsed.count() << " ms");
            if (r.retry_gap) {
                BOOST_TEST_REQUIRE(o.arrivals.size() >= 2u);
                const ms gap = std::chrono::duration_cast<ms>(o.arrivals[1] - o.arrivals[0]);
                BOOST_TEST(gap.count() >= r.retry_gap->first.count(),
                           "gap " << gap.count() << " ms");
                BOOST_TEST(gap.count() < r.retry_gap->second.count(),
                           "gap " << gap.count() << " ms");
            }
            if (r.extra)
                r.extra(o);

            // Whatever happened, the pool is healthy afterwards: nothing in use or waiting, and
            // a normal call succeeds.
            BOOST_TEST(c.stats().in_use == 0u);
            BOOST_TEST(c.stats().waiting == 0u);
            script.reset({});
            auto after_row = co_await call(c, req);
            BOOST_TEST(!after_row.ec, after_row.diag.to_string());
        },
        r.max_elapsed + 20s);
}

BOOST_AUTO_TEST_SUITE_END()
