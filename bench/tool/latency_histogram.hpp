// A fixed-size log-linear latency histogram: recording is an index computation and an
// increment, with no allocation after construction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace rerank::bench {

/// Counts durations in nanoseconds. Values below 2^sub_bucket_bits are kept exactly; above,
/// each power of two is split into 2^(sub_bucket_bits - 1) equal buckets, so a bucket is at
/// most 1/128 (0.8 %) of its values wide. Values from 2^max_exponent ns (about 18 minutes) up
/// share the last bucket; `max()` stays exact.
class latency_histogram {
public:
    static constexpr unsigned sub_bucket_bits = 8;
    static constexpr unsigned max_exponent = 40;

    latency_histogram();

    void record(std::uint64_t nanoseconds) noexcept {
        ++counts_[bucket_of(nanoseconds)];
        ++count_;
        if (nanoseconds > max_)
            max_ = nanoseconds;
    }

    /// Adds every sample of `other`.
    void merge(const latency_histogram& other) noexcept;

    std::uint64_t count() const noexcept { return count_; }
    std::uint64_t max() const noexcept { return max_; }

    /// The smallest recorded value v such that at least `quantile` (0..1) of the samples are
    /// <= v, reported as the upper bound of v's bucket (never above `max()`); 0 when empty.
    std::uint64_t value_at(double quantile) const noexcept;

    /// The bucket a value falls in, and the largest value of a bucket (pure; exposed for tests).
    static std::size_t bucket_of(std::uint64_t value) noexcept;
    static std::uint64_t upper_bound_of(std::size_t bucket) noexcept;
    static std::size_t bucket_count() noexcept;

private:
    std::vector<std::uint64_t> counts_;
    std::uint64_t count_ = 0;
    std::uint64_t max_ = 0;
};

} // namespace rerank::bench
