// When and how often a failed call is tried again.
#pragma once

#include <chrono>

namespace rerank {

/// Retries connection failures, resets, truncated answers, 408, 429 throttling and 500/502/503/504
/// with exponential backoff and full jitter; never other 4xx, TLS verification failures,
/// invalid requests or cancellations. The client's retry budget (one per client, shared by its
/// calls) stops retry storms.
struct retry_policy {
    /// Attempts per call, counting the first. 1 disables retries. Default 4.
    unsigned max_attempts = 4;
    /// Backoff before the first retry (upper bound of its jitter). Default 500 ms.
    std::chrono::milliseconds initial_backoff = std::chrono::milliseconds(500);
    /// Upper bound of any backoff, including one a `Retry-After` header asks for. Default 30 s.
    std::chrono::milliseconds max_backoff = std::chrono::seconds(30);
    /// The client's retry budget, in tokens: each failed attempt spends 1, each success earns
    /// `budget_refill`; retries happen only while more than half the budget remains.
    /// Default 10 tokens, refill 0.1.
    double budget_tokens = 10;
    /// Tokens each success earns back (see `budget_tokens`). Default 0.1.
    double budget_refill = 0.1;
};

} // namespace rerank
