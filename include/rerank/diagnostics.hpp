// What the server (or the client) said about a failed call.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace rerank {

/// Details of a failure, beside its `error_code`. Fields that do not apply are empty / zero.
/// Never contains the API key. The string fields hold what the server sent, as it sent it: they
/// may contain control characters (ESC, CR, BEL...) and ill-formed UTF-8. Print them through
/// `to_string()` (or `error_with_diagnostics::what()`), which escapes them.
struct diagnostics {
    /// HTTP status of the answer that failed the call; 0 when no answer was received.
    unsigned http_status = 0;
    /// The provider's error code (`InvalidApiKey`, `Throttling.RateQuota`, ...), if any.
    std::string provider_code;
    /// The provider's error message, if any.
    std::string provider_message;
    /// The request id the server assigned (body `request_id`/`id` or a request-id header).
    std::string request_id;
    /// The start of a body that was not the expected JSON (at most `max_snippet_bytes`),
    /// e.g. an HTML page from a gateway.
    std::string body_snippet;
    /// The `Location` header of a 3xx answer (redirects are not followed).
    std::string location;
    /// What the client itself found wrong (validation failure, inconsistency, I/O error text).
    std::string client_message;
    /// How many attempts (HTTP exchanges begun) the call made, over all its requests when it
    /// was split; 0 when refused before sending.
    unsigned attempts = 0;
    /// One line per failed attempt, oldest first ("attempt 1: server_error (HTTP 503, code
    /// ServiceUnavailable)"), so a call that failed after retries says what each one met.
    /// Each line is escaped as `to_string()` is.
    std::string attempt_history;
    /// Throttling answers (HTTP 429 not about billing) the call's requests received; each was
    /// waited out and sent again, without spending the retry budget.
    unsigned throttled = 0;
    /// Time the call's requests spent waiting for admission by the pacer (its rate limits, the
    /// adaptive rate and in-flight limit, a throttled request's wait), summed over requests
    /// (sub-requests of a split call wait side by side, so this can exceed the call's time).
    /// Waits under a millisecond (the bookkeeping, not pacing) count as none.
    std::chrono::microseconds admission_wait{0};
    /// Set when the shared quota store (Redis) did not answer and requests of the call were
    /// admitted by this process alone (`quota_store_failure::local`): what happened.
    std::string quota_note;
    /// Set when the server's limits differed from the client's: the call was planned under
    /// limits learned from earlier refusals, or a request was refused as too large and sent
    /// again split (and the limit the refusal stated, adopted for later calls). Filled on
    /// success too: "the server refused documents 0 to 299 as too large: sent again as 2
    /// requests, under the limit it stated (30,000 tokens per request), adopted for the model
    /// 'qwen3-rerank' in later calls".
    std::string limits_note;

    /// Upper bound of `body_snippet`, in bytes.
    static constexpr std::size_t max_snippet_bytes = 512;

    /// Resets every field.
    void clear() { *this = diagnostics{}; }

    /// One line for people: "HTTP 401, code InvalidApiKey, request id ..., 3 attempts,
    /// 2 throttled: message; quota: note" (each part only when there is one). Safe to
    /// print: control characters and ill-formed UTF-8 of any field appear as visible escapes
    /// (ESC as `\x1b`, a C1 control as `\u009b`; well-formed UTF-8 text is kept as is), and
    /// `location` is shown without its user info and query (`https://***@host/path?***`).
    /// `attempt_history` is not included.
    std::string to_string() const;
};

} // namespace rerank
