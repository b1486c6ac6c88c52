// The arithmetic of retries: Retry-After, backoff with jitter, the retry budget (pure; the
// decision that uses them is in retry_decision.hpp).
#pragma once

#include <rerank/error.hpp>
#include <rerank/retry_policy.hpp>

#include <chrono>
#include <optional>
#include <string_view>

namespace rerank::detail {

using millis = std::chrono::milliseconds;

/// The wait a server asked for: `retry-after-ms` (milliseconds) wins over `Retry-After`
/// (delta-seconds or an HTTP date, relative to `now`). nullopt when absent or unparsable.
std::optional<millis> parse_retry_after(std::string_view retry_after,
                                        std::string_view retry_after_ms,
                                        std::chrono::system_clock::time_point now);

/// Exponential backoff with full jitter before retry number `retry` (1 = first retry):
/// uniform in [0, min(max_backoff, initial_backoff * 2^(retry-1))]; `unit_random` in [0,1).
millis backoff_delay(const retry_policy& policy, unsigned retry, double unit_random) noexcept;

/// The wait before the next attempt: the server's `Retry-After` when given, else the jittered
/// backoff; always bounded by `max_backoff`.
millis next_delay(const retry_policy& policy, unsigned retry, double unit_random,
                  std::optional<millis> server_asked) noexcept;

/// A per-endpoint token bucket (gRPC retry throttling): each failed attempt spends one token,
/// each success earns `refill`; retries are allowed only while more than half the tokens
/// remain, so a failing API sees at most a trickle of retries.
class retry_budget {
public:
    explicit retry_budget(double tokens = 10, double refill = 0.1) noexcept
        : max_(tokens > 0 ? tokens : 1)
        , tokens_(max_)
        , refill_(refill) {}

    void on_failure() noexcept { tokens_ = tokens_ >= 1 ? tokens_ - 1 : 0; }
    void on_success() noexcept { tokens_ = tokens_ + refill_ < max_ ? tokens_ + refill_ : max_; }
    bool allows_retry() const noexcept { return tokens_ > max_ / 2; }
    double tokens() const noexcept { return tokens_; }

private:
    double max_;
    double tokens_;
    double refill_;
};

} // namespace rerank::detail
