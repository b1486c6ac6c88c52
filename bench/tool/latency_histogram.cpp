#include "latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace rerank::bench {

namespace {
constexpr std::uint64_t exact_limit = std::uint64_t{1} << latency_histogram::sub_bucket_bits;
constexpr unsigned half_bits = latency_histogram::sub_bucket_bits - 1;
constexpr std::uint64_t per_octave = std::uint64_t{1} << half_bits;
} // namespace

std::size_t latency_histogram::bucket_count() noexcept {
    return exact_limit + (max_exponent - sub_bucket_bits) * per_octave;
}

latency_histogram::latency_histogram()
    : counts_(bucket_count(), 0) {}

std::size_t latency_histogram::bucket_of(std::uint64_t value) noexcept {
    if (value < exact_limit)
        return static_cast<std::size_t>(value);
    const unsigned exponent = static_cast<unsigned>(std::bit_width(value)) - 1;
    if (exponent >= max_exponent)
        return bucket_count() - 1;
    // The top sub_bucket_bits bits of the value: its octave's leading 1, then the position
    // within the octave.
    const unsigned shift = exponent - half_bits;
    const std::uint64_t within = (value >> shift) - per_octave;
    return static_cast<std::size_t>(exact_limit + (exponent - sub_bucket_bits) * per_octave +
                                    within);
}

std::uint64_t latency_histogram::upper_bound_of(std::size_t bucket) noexcept {
    if (bucket < exact_limit)
        return bucket;
    const std::uint64_t above = bucket - exact_limit;
    const unsigned exponent = static_cast<unsigned>(above / per_octave) + sub_bucket_bits;
    const std::uint64_t within = above % per_octave;
    const unsigned shift = exponent - half_bits;
    return ((per_octave + within + 1) << shift) - 1;
}

void latency_histogram::merge(const latency_histogram& other) noexcept {
    for (std::size_t i = 0; i < counts_.size(); ++i)
        counts_[i] += other.counts_[i];
    count_ += other.count_;
    max_ = std::max(max_, other.max_);
}

std::uint64_t latency_histogram::value_at(double quantile) const noexcept {
    if (count_ == 0)
        return 0;
    const double q = std::clamp(quantile, 0.0, 1.0);
    // The rank of the sample asked for, 1-based, in 1..count_. A product that is an integer
    // but for rounding (0.99 * 100 = 99.000000000000014) is taken as that integer.
    const double exact = q * static_cast<double>(count_);
    const double nearest = std::round(exact);
    const double rank_d =
        std::abs(exact - nearest) <= 1e-9 * std::max(1.0, exact) ? nearest : std::ceil(exact);
    const auto rank = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(rank_d), 1, count_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        seen += counts_[i];
        if (seen >= rank)
            return i + 1 == counts_.size() ? max_ : std::min(upper_bound_of(i), max_);
    }
    return max_;
}

} // namespace rerank::bench
