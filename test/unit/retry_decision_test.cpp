// The retry decision: how each attempt is classified and what follows it, on a fake clock.
#include "client/retry_decision.hpp"

#include <boost/test/tools/floating_point_comparison.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace rerank;
using namespace rerank::detail;
using namespace std::chrono_literals;
using step_kind = next_step::kind;
using stop_reason = call_control::stop_reason;
using time_point = std::chrono::steady_clock::time_point;

namespace {

attempt_facts answered(unsigned status, errc ec) {
    attempt_facts f;
    f.http_status = status;
    f.ec = ec;
    return f;
}

attempt_facts no_answer(errc ec, bool reused = false, bool before_response = true) {
    attempt_facts f;
    f.ec = ec;
    f.reused_connection = reused;
    f.failed_before_response = before_response;
    return f;
}

diagnostics said(std::string code, std::string message = {}) {
    diagnostics d;
    d.provider_code = std::move(code);
    d.provider_message = std::move(message);
    return d;
}

retry_policy policy(unsigned attempts = 4, millis initial = 500ms, millis cap = 30s) {
    retry_policy p;
    p.max_attempts = attempts;
    p.initial_backoff = initial;
    p.max_backoff = cap;
    return p;
}

// One HTTP request's retries driven by decide_next_step over scripted attempts, on a virtual
// clock: what the retry loop of the client does, without sockets or waiting.
struct scripted_request {
    retry_policy rules = policy();
    retry_budget budget{10, 0.1};
    time_point start{};
    time_point now{};
    time_point deadline = time_point{} + 60s;
    double jitter = 0.5;
    retry_progress progress;
    std::vector<next_step> steps;

    // Runs attempts from `script` until a step ends the request; returns the last step.
    next_step run(const std::vector<std::pair<attempt_facts, diagnostics>>& script) {
        for (const auto& [facts, diag] : script) {
            const attempt_class cls = classify_attempt(facts, diag);
            next_step step =
                decide_next_step(cls, facts, progress, {rules, budget, now, deadline, jitter});
            steps.push_back(step);
            if (step.what == step_kind::wait_then_send)
                now += step.wait;
            if (step.what == step_kind::done || step.what == step_kind::fail)
                return step;
        }
        BOOST_FAIL("the script ran out before the request ended");
        return {};
    }
    millis elapsed() const { return std::chrono::duration_cast<millis>(now - start); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(attempt_classification)

BOOST_AUTO_TEST_CASE(success_and_stops) {
    BOOST_TEST((classify_attempt(attempt_facts{}, {}) == attempt_class::succeeded));
    for (stop_reason why : {stop_reason::cancelled, stop_reason::deadline}) {
        // A stop wins over whatever the interrupted step reported.
        attempt_facts f = no_answer(errc::connection_failed, true);
        f.stop = why;
        BOOST_TEST((classify_attempt(f, {}) == attempt_class::stopped));
    }
}

BOOST_AUTO_TEST_CASE(statuses) {
    const diagnostics none;
    struct row {
        unsigned status;
        errc ec;
        attempt_class expected;
    };
    const row rows[] = {
        {408, errc::server_error, attempt_class::transient},
        {500, errc::server_error, attempt_class::transient},
        {502, errc::server_error, attempt_class::transient},
        {503, errc::server_error, attempt_class::transient},
        {504, errc::server_error, attempt_class::transient},
        {429, errc::rate_limited, attempt_class::throttled},
        {413, errc::request_too_large, attempt_class::too_large},
        {501, errc::server_error, attempt_class::permanent},
        {505, errc::server_error, attempt_class::permanent},
        {599, errc::server_error, attempt_class::permanent},
        {400, errc::bad_request, attempt_class::permanent},
        {401, errc::authentication_failed, attempt_class::permanent},
        {403, errc::permission_denied, attempt_class::permanent},
        {404, errc::not_found, attempt_class::permanent},
        {422, errc::bad_request, attempt_class::permanent},
        {301, errc::redirect_not_followed, attempt_class::permanent},
        // A 2xx that breaks the contract (bad JSON, wrong indices) is not transient.
        {200, errc::bad_response, attempt_class::permanent},
    };
    for (const row& r : rows)
        BOOST_TEST((classify_attempt(answered(r.status, r.ec), none) == r.expected),
                   "HTTP " << r.status);
}

BOOST_AUTO_TEST_CASE(throttling_versus_billing) {
    for (const char* code : {"Throttling", "Throttling.RateQuota", "Throttling.AllocationQuota",
                             "rate_limit_exceeded", "SomethingNew", ""})
        BOOST_TEST((classify_attempt(answered(429, errc::rate_limited), said(code)) ==
                    attempt_class::throttled),
                   code);
    for (const char* code :
         {"PrepaidBillOverdue", "CommodityNotPurchased", "Arrearage", "insufficient_quota"})
        BOOST_TEST((classify_attempt(answered(429, errc::quota_exceeded), said(code)) ==
                    attempt_class::permanent),
                   code);
    BOOST_TEST((classify_attempt(answered(429, errc::quota_exceeded),
                                 said("AllocationQuota", "Free allocated quota exceeded.")) ==
                attempt_class::permanent));
}

BOOST_AUTO_TEST_CASE(too_large_by_status_or_message) {
    for (const char* message :
         {"Range of input length should be [1, 4000]", "batch size exceeds 500",
          "request too large", "the query is too long"})
        BOOST_TEST(
            (classify_attempt(answered(400, errc::bad_request),
                              said("InvalidParameter", message)) == attempt_class::too_large),
            message);
    BOOST_TEST((classify_attempt(answered(400, errc::bad_request),
                                 said("InvalidParameter", "Input should be a valid list")) ==
                attempt_class::permanent));
    BOOST_TEST(
        (classify_attempt(answered(413, errc::request_too_large), {}) == attempt_class::too_large));
}

BOOST_AUTO_TEST_CASE(too_large_in_each_dialects_words) {
    struct refusal {
        rerank::dialect d;
        unsigned status;
        const char* message;
    };
    const refusal refusals[] = {
        {rerank::dialect::cohere, 400, "too many tokens: total number of tokens exceeds 100000"},
        {rerank::dialect::jina, 400,
         "This model's maximum context length is 8192 tokens. However, you requested 9000"},
        {rerank::dialect::jina, 500,
         "input is too large to process. increase the physical "
         "batch size"},
        {rerank::dialect::voyage, 400, "The max allowed tokens per submitted batch is 600000."},
        {rerank::dialect::tei, 422,
         "Input validation error: `inputs` must have less than 512 "
         "tokens. Given: 600"},
        {rerank::dialect::nim, 400, "Number of passages 600 exceeds the limit of 512"},
    };
    for (const refusal& r : refusals) {
        attempt_facts f =
            answered(r.status, r.status == 500 ? errc::server_error : errc::bad_request);
        f.dialect = r.d;
        // A 5xx is not a size refusal, whatever it says: retried as transient.
        const attempt_class expected =
            r.status == 500 ? attempt_class::transient : attempt_class::too_large;
        BOOST_TEST((classify_attempt(f, said("", r.message)) == expected), r.message);
    }
    // TEI's batch-size refusal is a 413: too large by status in every dialect.
    attempt_facts tei = answered(413, errc::request_too_large);
    tei.dialect = rerank::dialect::tei;
    BOOST_TEST((classify_attempt(tei, said("Validation", "batch size 64 > maximum allowed batch "
                                                         "size 32")) == attempt_class::too_large));
    // TEI's 429 is its queue pushing back: throttling, retried after a wait.
    tei = answered(429, errc::rate_limited);
    BOOST_TEST((classify_attempt(tei, said("Overloaded", "Model is overloaded")) ==
                attempt_class::throttled));
    // Cohere's 499 (cancelled on its side) is tried again; its 498 (invalid token) is not.
    attempt_facts cancelled = answered(499, errc::bad_request);
    cancelled.dialect = rerank::dialect::cohere;
    BOOST_TEST(
        (classify_attempt(cancelled, said("", "request cancelled")) == attempt_class::transient));
    cancelled.dialect = rerank::dialect::jina;
    BOOST_TEST(
        (classify_attempt(cancelled, said("", "request cancelled")) == attempt_class::permanent));
    attempt_facts invalid_token = answered(498, errc::bad_request);
    invalid_token.dialect = rerank::dialect::cohere;
    BOOST_TEST(
        (classify_attempt(invalid_token, said("", "invalid token")) == attempt_class::permanent));
    // One dialect's wording does not make another's error a size refusal.
    attempt_facts cohere = answered(400, errc::bad_request);
    cohere.dialect = rerank::dialect::cohere;
    BOOST_TEST(
        (classify_attempt(cohere, said("", "maximum context length")) == attempt_class::permanent));
}

BOOST_AUTO_TEST_CASE(failures_without_an_answer) {
    // The server closed a reused connection while it was idle: it never saw the request.
    BOOST_TEST((classify_attempt(no_answer(errc::connection_failed, true, true), {}) ==
                attempt_class::stale_connection));
    // A new connection, or one that broke mid-response, failed for real.
    BOOST_TEST((classify_attempt(no_answer(errc::connection_failed, false, true), {}) ==
                attempt_class::transient));
    BOOST_TEST((classify_attempt(no_answer(errc::connection_failed, true, false), {}) ==
                attempt_class::transient));
    // Timeouts may have reached the server; TLS and malformed HTTP will not get better.
    for (errc e : {errc::timeout, errc::tls_failure, errc::bad_response, errc::cancelled})
        BOOST_TEST((classify_attempt(no_answer(e, true), {}) == attempt_class::permanent), e);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(next_step_after_an_attempt)

BOOST_AUTO_TEST_CASE(success_is_done_and_refills_the_budget) {
    scripted_request r;
    r.budget.on_failure();
    BOOST_TEST((r.run({{attempt_facts{}, {}}}) == next_step{step_kind::done, 0ms, {}}));
    BOOST_TEST(r.budget.tokens() == 9.1, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(transient_failures_back_off_with_jitter_then_succeed) {
    scripted_request r; // initial backoff 500 ms, jitter 0.5: 250 ms, 500 ms, 1000 ms
    const auto step = r.run({{answered(503, errc::server_error), {}},
                             {no_answer(errc::connection_failed), {}},
                             {answered(502, errc::server_error), {}},
                             {attempt_facts{}, {}}});
    BOOST_TEST((step.what == step_kind::done));
    BOOST_TEST_REQUIRE(r.steps.size() == 4u);
    BOOST_TEST(r.steps[0].wait.count() == 250);
    BOOST_TEST(r.steps[1].wait.count() == 500);
    BOOST_TEST(r.steps[2].wait.count() == 1000);
    BOOST_TEST(r.elapsed().count() == 1750);
    BOOST_TEST(r.progress.counted_attempts == 4u);
}

BOOST_AUTO_TEST_CASE(attempts_run_out) {
    scripted_request r;
    r.rules = policy(3);
    const auto step = r.run({{answered(500, errc::server_error), {}},
                             {answered(500, errc::server_error), {}},
                             {answered(500, errc::server_error), {}}});
    BOOST_TEST((step == next_step{step_kind::fail, 0ms, errc::server_error}));
    BOOST_TEST(r.steps.size() == 3u);
}

BOOST_AUTO_TEST_CASE(one_attempt_means_no_retries) {
    scripted_request r;
    r.rules = policy(1);
    BOOST_TEST((r.run({{answered(503, errc::server_error), {}}}).what == step_kind::fail));
    BOOST_TEST(r.elapsed().count() == 0);
}

BOOST_AUTO_TEST_CASE(server_wait_wins_over_backoff_and_is_capped_for_failures) {
    scripted_request r;
    attempt_facts unavailable = answered(503, errc::server_error);
    unavailable.server_wait = 2s;
    r.run({{unavailable, {}}, {attempt_facts{}, {}}});
    BOOST_TEST(r.steps[0].wait.count() == 2000);

    scripted_request capped;
    capped.rules = policy(4, 500ms, 1s);
    unavailable.server_wait = 120s;
    capped.run({{unavailable, {}}, {attempt_facts{}, {}}});
    BOOST_TEST(capped.steps[0].wait.count() == 1000);
}

BOOST_AUTO_TEST_CASE(a_throttled_request_waits_what_the_server_asks_in_full) {
    scripted_request r;
    r.rules = policy(4, 500ms, 1s);
    attempt_facts throttled = answered(429, errc::rate_limited);
    throttled.server_wait = 20s; // past max_backoff: sending earlier would only be refused
    r.run({{throttled, {}}, {attempt_facts{}, {}}});
    BOOST_TEST(r.steps[0].wait.count() == 20000);
}

BOOST_AUTO_TEST_CASE(a_wait_that_reaches_the_deadline_fails_at_once) {
    scripted_request r;
    r.deadline = r.start + 1500ms;
    attempt_facts throttled = answered(429, errc::rate_limited);
    throttled.server_wait = 1500ms;
    const auto step = r.run({{throttled, {}}});
    // The step says how long the wait would have been, for the diagnostics.
    BOOST_TEST((step == next_step{step_kind::fail, 1500ms, errc::rate_limited}));
    BOOST_TEST(r.elapsed().count() == 0); // no waiting for a failure known in advance
}

BOOST_AUTO_TEST_CASE(throttling_spends_neither_attempts_nor_budget) {
    scripted_request r;
    r.rules = policy(1); // no retries at all for failures
    r.budget = retry_budget{2, 0.1};
    r.deadline = r.start + 3600s; // the backoffs reach max_backoff (30 s)
    const auto throttled = answered(429, errc::rate_limited);
    std::vector<std::pair<attempt_facts, diagnostics>> script(25, {throttled, said("Throttling")});
    script.push_back({attempt_facts{}, {}});
    BOOST_TEST((r.run(script).what == step_kind::done));
    BOOST_TEST(r.steps.size() == 26u);
    BOOST_TEST(r.progress.throttled == 25u);
    BOOST_TEST(r.budget.tokens() == 2.0);
    BOOST_TEST(r.budget.allows_retry());
}

BOOST_AUTO_TEST_CASE(a_paced_throttled_request_leaves_the_wait_to_the_pacer) {
    const auto throttled = answered(429, errc::rate_limited);
    retry_policy rules = policy();
    retry_budget budget;
    retry_progress progress;
    const time_point now{};
    const next_step paced = decide_next_step(attempt_class::throttled, throttled, progress,
                                             {rules, budget, now, now + 10s, 0.3, true});
    BOOST_TEST((paced == next_step{step_kind::send_now, 0ms, {}}));
    // Unpaced: a backoff, never below half its ceiling (so throttled requests never spin).
    const next_step unpaced = decide_next_step(attempt_class::throttled, throttled, progress,
                                               {rules, budget, now, now + 10s, 0.0, false});
    BOOST_TEST((unpaced.what == step_kind::wait_then_send));
    BOOST_TEST(unpaced.wait.count() == 500); // second throttle: ceiling 1,000 ms, half of it
}

BOOST_AUTO_TEST_CASE(stale_connection_goes_again_at_once_once_even_without_retries) {
    scripted_request r;
    r.rules = policy(1);
    const auto stale = no_answer(errc::connection_failed, true, true);
    BOOST_TEST((r.run({{stale, {}}, {attempt_facts{}, {}}}).what == step_kind::done));
    BOOST_TEST((r.steps[0] == next_step{step_kind::send_now, 0ms, {}}));
    BOOST_TEST(r.budget.tokens() == 10.0); // free: no token spent, no attempt counted
    BOOST_TEST(r.progress.counted_attempts == 1u);

    // A second stale connection in the same request is an ordinary failure.
    scripted_request twice;
    twice.rules = policy(1);
    const auto step = twice.run({{stale, {}}, {stale, {}}});
    BOOST_TEST((step == next_step{step_kind::fail, 0ms, errc::connection_failed}));
}

BOOST_AUTO_TEST_CASE(permanent_and_too_large_fail_at_once_and_spend_the_budget) {
    for (const auto& facts :
         {answered(401, errc::authentication_failed), answered(413, errc::request_too_large),
          no_answer(errc::tls_failure), no_answer(errc::timeout)}) {
        scripted_request r;
        const auto step = r.run({{facts, {}}});
        BOOST_TEST((step == next_step{step_kind::fail, 0ms, facts.ec}));
        BOOST_TEST(r.budget.tokens() == 9.0);
    }
}

BOOST_AUTO_TEST_CASE(stopped_attempts_fail_with_the_stop_reason_and_spend_nothing) {
    for (auto [why, expected] : {std::pair{stop_reason::deadline, errc::timeout},
                                 std::pair{stop_reason::cancelled, errc::cancelled}}) {
        scripted_request r;
        attempt_facts f = no_answer(errc::cancelled);
        f.stop = why;
        BOOST_TEST((r.run({{f, {}}}) == next_step{step_kind::fail, 0ms, expected}));
        BOOST_TEST(r.budget.tokens() == 10.0);
    }
}

BOOST_AUTO_TEST_CASE(an_empty_budget_stops_retries_across_requests) {
    // Five failing requests with one attempt each take the budget to half: the sixth request's
    // first failure then gets no retry, however many attempts the policy allows.
    retry_budget shared{10, 0.1};
    for (int i = 0; i < 5; ++i) {
        scripted_request r;
        r.rules = policy(1);
        r.budget = shared;
        r.run({{answered(503, errc::server_error), {}}});
        shared = r.budget;
    }
    scripted_request r;
    r.budget = shared;
    BOOST_TEST((r.run({{answered(503, errc::server_error), {}}}).what == step_kind::fail));
}

// The fault matrix's retry rows (test/pool/fault_matrix_test.cpp runs them against the
// emulator over sockets) on the virtual clock: attempts made, time waited, how each ends.
BOOST_AUTO_TEST_CASE(fault_matrix_rows_on_a_virtual_clock) {
    using sys_clock = std::chrono::system_clock;
    const auto now_utc = sys_clock::from_time_t(784111777); // Sun, 06 Nov 1994 08:49:37 GMT
    auto with_wait = [](attempt_facts f, std::optional<millis> wait) {
        f.server_wait = wait;
        return f;
    };
    auto retry_after = [&](std::string_view seconds_or_date, std::string_view ms = {}) {
        return parse_retry_after(seconds_or_date, ms, now_utc);
    };
    const attempt_facts ok{};
    const auto throttled = answered(429, errc::rate_limited);
    const auto unavailable = answered(503, errc::server_error);
    const auto dropped = no_answer(errc::connection_failed);
    const auto stale = no_answer(errc::connection_failed, true, true);
    struct row {
        const char* name;
        std::vector<std::pair<attempt_facts, diagnostics>> attempts;
        unsigned max_attempts;
        millis deadline;
        millis max_backoff;
        next_step::kind ends;
        error_code error;
        std::size_t attempts_made;
        millis waited;
    };
    const std::vector<row> rows{
        {"429 with Retry-After: 1",
         {{with_wait(throttled, retry_after("1")), said("Throttling.RateQuota")}, {ok, {}}},
         4,
         60s,
         30s,
         step_kind::done,
         {},
         2,
         1000ms},
        {"429 with Retry-After: 2",
         {{with_wait(throttled, retry_after("2")), said("Throttling")}, {ok, {}}},
         4,
         60s,
         30s,
         step_kind::done,
         {},
         2,
         2000ms},
        {"429 with a Retry-After HTTP date 3 s ahead",
         {{with_wait(throttled, retry_after("Sun, 06 Nov 1994 08:49:40 GMT")), said("Throttling")},
          {ok, {}}},
         4,
         60s,
         30s,
         step_kind::done,
         {},
         2,
         3000ms},
        {"429 with retry-after-ms: 300 beside Retry-After: 10",
         {{with_wait(throttled, retry_after("10", "300")), said("Throttling")}, {ok, {}}},
         4,
         60s,
         30s,
         step_kind::done,
         {},
         2,
         300ms},
        {"429 asking longer than max_backoff waits what it asks",
         {{with_wait(throttled, retry_after("20")), said("Throttling")}, {ok, {}}},
         4,
         60s,
         400ms,
         step_kind::done,
         {},
         2,
         20000ms},
        {"429 billing is not retried",
         {{answered(429, errc::quota_exceeded), said("PrepaidBillOverdue")}},
         4,
         60s,
         30s,
         step_kind::fail,
         errc::quota_exceeded,
         1,
         0ms},
        {"503 every time: all 4 attempts",
         {{unavailable, {}}, {unavailable, {}}, {unavailable, {}}, {unavailable, {}}},
         4,
         60s,
         30s,
         step_kind::fail,
         errc::server_error,
         4,
         1750ms},
        {"503 with max_attempts = 1",
         {{unavailable, {}}},
         1,
         60s,
         30s,
         step_kind::fail,
         errc::server_error,
         1,
         0ms},
        {"501 is not retried",
         {{answered(501, errc::server_error), {}}},
         4,
         60s,
         30s,
         step_kind::fail,
         errc::server_error,
         1,
         0ms},
        {"dropped 4 times",
         {{dropped, {}}, {dropped, {}}, {dropped, {}}, {dropped, {}}},
         4,
         60s,
         30s,
         step_kind::fail,
         errc::connection_failed,
         4,
         1750ms},
        {"reused connection dropped: one stale retry, even with max_attempts = 1",
         {{stale, {}}, {ok, {}}},
         1,
         60s,
         30s,
         step_kind::done,
         {},
         2,
         0ms},
        {"stale retry only once",
         {{stale, {}}, {stale, {}}},
         1,
         60s,
         30s,
         step_kind::fail,
         errc::connection_failed,
         2,
         0ms},
        {"Retry-After beyond the deadline fails at once",
         {{with_wait(unavailable, retry_after("30")), {}}},
         4,
         1s,
         60s,
         step_kind::fail,
         errc::server_error,
         1,
         0ms},
        {"the deadline bounds the whole retry loop",
         {{with_wait(unavailable, 300ms), {}},
          {with_wait(unavailable, 300ms), {}},
          {with_wait(unavailable, 300ms), {}},
          {with_wait(unavailable, 300ms), {}}},
         10,
         800ms,
         30s,
         step_kind::fail,
         errc::server_error,
         3,
         600ms},
    };
    for (const row& r : rows) {
        BOOST_TEST_CONTEXT(r.name) {
            scripted_request request;
            request.rules = policy(r.max_attempts, 500ms, r.max_backoff);
            request.deadline = request.start + r.deadline;
            const next_step end = request.run(r.attempts);
            BOOST_TEST((end.what == r.ends));
            BOOST_TEST(end.error == r.error);
            BOOST_TEST(request.steps.size() == r.attempts_made);
            BOOST_TEST(request.elapsed().count() == r.waited.count());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
