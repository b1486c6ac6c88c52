#include "client/retry_decision.hpp"

#include "codec/error_body.hpp"

#include <algorithm>
#include <string_view>

namespace rerank::detail {

namespace {

attempt_class classify_status_answer(unsigned status, error_code ec, rerank::dialect d,
                                     const diagnostics& diag) {
    if (status >= 200 && status < 300)
        return attempt_class::permanent; // a 2xx that breaks the contract is not transient
    // Servers answer an input over their limits with 413, or with 400/422 and a message in their
    // own words (says_too_large has each dialect's).
    if (ec == errc::request_too_large || (ec == errc::bad_request && says_too_large(d, diag)))
        return attempt_class::too_large;
    switch (status) {
    case 408:
    case 500:
    case 502:
    case 503:
    case 504:
        return attempt_class::transient;
    case 429:
        return is_billing_error(diag) ? attempt_class::permanent : attempt_class::throttled;
    case 499:
        // Cohere: the request was cancelled on its side, and its error reference says to try
        // again (https://docs.cohere.com/reference/errors). Its 498 (invalid token) is not.
        return d == rerank::dialect::cohere ? attempt_class::transient : attempt_class::permanent;
    default:
        return attempt_class::permanent; // 501, 505...: no better by retrying
    }
}

error_code stop_error(call_control::stop_reason why) {
    return why == call_control::stop_reason::deadline ? errc::timeout : errc::cancelled;
}

} // namespace

attempt_class classify_attempt(const attempt_facts& facts, const diagnostics& diag) noexcept {
    if (facts.stop != call_control::stop_reason::none)
        return attempt_class::stopped;
    if (!facts.ec)
        return attempt_class::succeeded;
    if (facts.http_status != 0)
        return classify_status_answer(facts.http_status, facts.ec, facts.dialect, diag);
    if (facts.ec != errc::connection_failed)
        return attempt_class::permanent; // TLS, timeouts, malformed HTTP, cancellation
    if (facts.reused_connection && facts.failed_before_response)
        return attempt_class::stale_connection;
    return attempt_class::transient;
}

next_step decide_next_step(attempt_class cls, const attempt_facts& facts, retry_progress& progress,
                           const retry_context& ctx) {
    using kind = next_step::kind;
    switch (cls) {
    case attempt_class::succeeded:
        ++progress.counted_attempts;
        ctx.budget.on_success();
        return {kind::done, millis(0), {}};
    case attempt_class::stopped:
        return {kind::fail, millis(0), stop_error(facts.stop)};
    case attempt_class::throttled: {
        ++progress.throttled;
        millis wait = millis(0);
        if (facts.server_wait)
            wait = *facts.server_wait;
        else if (!ctx.paced)
            wait = backoff_delay(ctx.policy, progress.throttled, 0.5 + ctx.unit_random / 2);
        if (ctx.now + wait >= ctx.deadline)
            return {kind::fail, wait, facts.ec};
        return {wait.count() == 0 ? kind::send_now : kind::wait_then_send, wait, {}};
    }
    case attempt_class::stale_connection:
        if (!progress.stale_resend_used) {
            // The server never saw the request: it goes again at once on a fresh connection,
            // even with retries disabled. Only once, so a server that really drops requests
            // is not hammered.
            progress.stale_resend_used = true;
            return {kind::send_now, millis(0), {}};
        }
        break; // a second one is an ordinary connection failure
    default:
        break;
    }
    ++progress.counted_attempts;
    ctx.budget.on_failure();
    const bool retryable =
        cls == attempt_class::stale_connection || cls == attempt_class::transient;
    if (!retryable || progress.counted_attempts >= std::max(ctx.policy.max_attempts, 1u) ||
        !ctx.budget.allows_retry())
        return {kind::fail, millis(0), facts.ec};
    const millis wait =
        next_delay(ctx.policy, progress.counted_attempts, ctx.unit_random, facts.server_wait);
    if (ctx.now + wait >= ctx.deadline)
        return {kind::fail, millis(0), facts.ec}; // the wait alone would overrun the deadline
    return {kind::wait_then_send, wait, {}};
}

} // namespace rerank::detail
