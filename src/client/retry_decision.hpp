// What an HTTP request does after an attempt: the one place that decides (sans-io, no clock of
// its own: the caller says what time it is).
#pragma once

#include "client/retry.hpp"
#include "http/call_control.hpp"

#include <rerank/diagnostics.hpp>
#include <rerank/dialect.hpp>
#include <rerank/error.hpp>
#include <rerank/observer.hpp>
#include <rerank/retry_policy.hpp>

#include <chrono>
#include <cstdint>
#include <optional>

namespace rerank::detail {

/// What kind of end an attempt met (`rerank::attempt_outcome`, public: observers see it too).
/// Everything that reacts to an attempt (the retry loop, the batcher's splitting, the counters)
/// reads this, never the error code or the server's words.
using attempt_class = attempt_outcome;

/// The facts of one finished attempt, as the driver saw them.
struct attempt_facts {
    /// The attempt's error; empty when it succeeded.
    error_code ec;
    /// Status of the answer; 0 when none arrived (connect, TLS or transport failure).
    unsigned http_status = 0;
    /// Whether the connection had carried an exchange before this one.
    bool reused_connection = false;
    /// Whether the attempt failed before a single response byte arrived.
    bool failed_before_response = false;
    /// Why the call stopped during the attempt, if it did.
    call_control::stop_reason stop = call_control::stop_reason::none;
    /// The wait the server asked for (`Retry-After` / `retry-after-ms`).
    std::optional<millis> server_wait;
    /// The API spoken: which wording of "too large" its servers use (`says_too_large`).
    rerank::dialect dialect = rerank::dialect::dashscope;
};

/// Classifies an attempt from its facts and, for HTTP errors, what the server said in `diag`
/// (provider code and message, see `decode_error_body`).
attempt_class classify_attempt(const attempt_facts& facts, const diagnostics& diag) noexcept;

/// The next step of one HTTP request.
struct next_step {
    enum class kind : std::uint8_t {
        done,           ///< the attempt succeeded
        send_now,       ///< send the request again at once
        wait_then_send, ///< wait `wait`, then send again (unless the call stops meanwhile)
        fail,           ///< the request fails with `error`
    };
    kind what = kind::done;
    millis wait{0};
    error_code error;

    friend bool operator==(const next_step&, const next_step&) = default;
};

/// Where one HTTP request stands in its retries.
struct retry_progress {
    /// Attempts that count against `retry_policy::max_attempts` (a stale connection's free
    /// resend does not).
    unsigned counted_attempts = 0;
    /// Whether the one free resend after a stale connection was used.
    bool stale_resend_used = false;
    /// Throttling answers so far (they count against neither `max_attempts` nor the budget;
    /// their number sets the backoff when no pacer rate applies).
    unsigned throttled = 0;
};

/// The inputs of a decision besides the attempt itself.
struct retry_context {
    const retry_policy& policy;
    /// The client's budget: the decision records the attempt's success or failure in it.
    retry_budget& budget;
    std::chrono::steady_clock::time_point now;
    /// The call's deadline: a wait that would reach it fails the request at once instead.
    std::chrono::steady_clock::time_point deadline;
    /// Uniform in [0, 1): the backoff's jitter.
    double unit_random = 0;
    /// Whether the pacer has a rate for this request (configured, or found by the adaptive
    /// rate): a throttled request then waits for its next slot rather than a backoff.
    bool paced = false;
};

/// Decides what follows an attempt of class `cls`:
/// - succeeded: done (earns the budget its refill);
/// - stopped: fail with `timeout` (deadline) or `cancelled`;
/// - stale_connection: send again at once, free (no budget, no attempt counted), once per
///   request; a second one counts as `transient`;
/// - throttled: the server's rate limit, not a failure: no budget token, no attempt counted.
///   Wait the server's `Retry-After` in full, else (when paced) nothing here, the pacer's next
///   slot being the wait, else a backoff of at least half its jittered ceiling; then send
///   again. Only when that wait would reach the deadline: fail at once with the attempt's
///   error (`rate_limited`), `wait` saying how long it would have been;
/// - transient: spend a budget token; wait the server's `Retry-After` or the jittered backoff
///   (both capped by `max_backoff`) and send again, unless the attempts are used up, the budget
///   is at half or below, or the wait would reach the deadline: then fail with the attempt's
///   error;
/// - too_large, permanent: spend a budget token and fail with the attempt's error.
/// Deterministic: the same inputs give the same step.
next_step decide_next_step(attempt_class cls, const attempt_facts& facts, retry_progress& progress,
                           const retry_context& ctx);

} // namespace rerank::detail
