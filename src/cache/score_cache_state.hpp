// What a rerank::score_cache holds: the key secret, and the store under one mutex.
#pragma once

#include "cache/score_key.hpp"
#include "cache/score_store.hpp"

#include <rerank/score_cache.hpp>

#include <chrono>
#include <cstddef>
#include <mutex>
#include <span>
#include <utility>
#include <vector>

namespace rerank::detail {

class score_cache_state {
public:
    using time_point = cache::score_store::time_point;

    explicit score_cache_state(const cache_options& opts)
        : options(opts)
        , store_(opts) {}

    const cache_options options;
    const cache::key_maker keys;

    /// Looks up `keys` at `now` under one lock: the score of each hit goes to `scores[i]`, the
    /// index of each miss is appended to `misses` (ascending).
    void find_all(std::span<const cache::score_key> keys, std::span<double> scores,
                  std::vector<std::size_t>& misses, time_point now);
    /// Stores scores under one lock.
    void insert_all(std::span<const std::pair<cache::score_key, double>> scored, time_point now);

    cache_stats stats() const;
    void clear();

private:
    mutable std::mutex mutex_;
    cache::score_store store_;
};

/// The client's way in to a score_cache's state.
struct score_cache_access {
    static score_cache_state& state(score_cache& c) noexcept { return *c.state_; }
};

} // namespace rerank::detail
