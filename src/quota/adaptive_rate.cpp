#include "quota/adaptive_rate.hpp"

#include <algorithm>
#include <cmath>

namespace rerank::detail {

void recent_rate::advance(std::int64_t now_us) noexcept {
    const std::int64_t bucket = now_us / bucket_us;
    if (bucket <= head_)
        return; // the clock never goes back; a stale time lands in the newest bucket
    const std::int64_t steps = std::min<std::int64_t>(bucket - head_, slots);
    for (std::int64_t i = 1; i <= steps; ++i)
        buckets_[slot(head_ + i)] = 0;
    head_ = bucket;
}

void recent_rate::add(std::int64_t now_us, double units) noexcept {
    advance(now_us);
    buckets_[slot(head_)] += units;
}

double recent_rate::last_second(std::int64_t now_us) const noexcept {
    const std::int64_t age = std::max<std::int64_t>(0, now_us / bucket_us - head_);
    double sum = 0;
    // Buckets older than a second by now are not counted.
    for (std::int64_t i = 0; i < slots - age; ++i)
        sum += buckets_[slot(head_ - i)];
    return sum;
}

adaptive_rate::adaptive_rate(const adaptive_rate_config& config) noexcept
    : config_(config)
    , in_flight_(std::max(1u, config.max_in_flight)) {
    requests_.configured = requests_.rate = std::max(0.0, config.requests_per_second);
    tokens_.configured = tokens_.rate = std::max(0.0, config.tokens_per_second);
}

quota_rates adaptive_rate::rates() const noexcept {
    quota_rates r;
    // A cut limit paces evenly (no burst): the server's window is exhausted when it throttles.
    const std::int64_t even_us =
        requests_.rate > 0 ? static_cast<std::int64_t>(std::ceil(1e6 / requests_.rate)) : 0;
    r.requests = {requests_.rate, requests_.cut ? even_us : config_.burst_us};
    r.tokens = {tokens_.rate, tokens_.cut && even_us > 0 ? even_us : config_.burst_us};
    return r;
}

unsigned adaptive_rate::in_flight_limit() const noexcept {
    return static_cast<unsigned>(std::max(1.0, std::floor(in_flight_)));
}

void adaptive_rate::on_success(std::int64_t now_us, double tokens) noexcept {
    requests_.accepted.add(now_us, 1);
    tokens_.accepted.add(now_us, tokens);
    if (!config_.adaptive)
        return;
    in_flight_ = std::min<double>(config_.max_in_flight, in_flight_ + 1 / in_flight_);
    auto raise = [](limit& l, double step) {
        if (!l.cut)
            return;
        l.rate += step;
        if (l.configured > 0 && l.rate >= l.configured) {
            l.rate = l.configured;
            l.cut = false;
        }
    };
    // The token rate grows by the same fraction as the request rate.
    const double fraction = requests_.rate > 0 ? requests_per_success / requests_.rate : 0.05;
    raise(requests_, requests_per_success);
    raise(tokens_, tokens_.rate * fraction);
}

void adaptive_rate::cut(limit& l, double floor, std::int64_t now_us) noexcept {
    const double accepted = l.accepted.last_second(now_us);
    double next = 0;
    if (accepted > 0)
        next = (l.rate > 0 ? std::min(accepted, l.rate) : accepted) * cut_to_accepted;
    else if (l.rate > 0)
        next = l.rate / 2;
    else
        next = in_flight_; // nothing known: about one request per connection per second
    l.rate = std::max(next, floor);
    l.cut = true;
}

bool adaptive_rate::on_throttled(std::int64_t now_us, std::int64_t sent_us,
                                 throttle_kind kind) noexcept {
    if (!config_.adaptive || sent_us < last_cut_us_)
        return false;
    last_cut_us_ = now_us;
    in_flight_ = std::max(1.0, std::floor(in_flight_ / 2));
    if (kind == throttle_kind::tokens && tokens_.accepted.last_second(now_us) > 0)
        cut(tokens_, 1, now_us);
    else
        cut(requests_, min_requests_per_second, now_us);
    return true;
}

bool adaptive_rate::on_remote_throttle(std::int64_t now_us) noexcept {
    if (!config_.adaptive || now_us - last_cut_us_ < 1'000'000)
        return false;
    return on_throttled(now_us, now_us, throttle_kind::requests);
}

} // namespace rerank::detail
