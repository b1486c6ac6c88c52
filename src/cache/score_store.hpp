// The score cache's bookkeeping: LRU order, TTL and memory bounds. Sans-io and not thread-safe:
// time comes from the caller, locking is the owner's (score_cache_state).
#pragma once

#include "cache/score_key.hpp"

#include <rerank/cache_options.hpp>
#include <rerank/cache_stats.hpp>

#include <chrono>
#include <cstddef>
#include <list>
#include <optional>
#include <unordered_map>

namespace rerank::cache {

class score_store {
public:
    using time_point = std::chrono::steady_clock::time_point;

    /// Memory of one entry: see `score_cache::entry_bytes`.
    static const std::size_t entry_bytes;

    /// `opts` must be valid (`score_cache` checks them).
    explicit score_store(const cache_options& opts)
        : options_(opts) {}

    /// The score under `key` if held and younger than the TTL at `now` (a hit makes it the
    /// most recently used); an expired entry is dropped. Counts a hit or a miss.
    std::optional<double> find(const score_key& key, time_point now);

    /// Stores `score` under `key` at `now` (replacing a score held under it, which then counts
    /// as new), evicting least recently used entries to stay within the bounds. Expired
    /// entries at the cold end go first, counted as expirations.
    void insert(const score_key& key, double score, time_point now);

    /// Drops every entry.
    void clear() noexcept;

    cache_stats stats() const noexcept;

private:
    struct entry {
        score_key key;
        double score = 0;
        time_point expires;
    };
    using order = std::list<entry>; // front: most recently used
    void drop(order::iterator it) noexcept;
    bool full() const noexcept;

    cache_options options_;
    order lru_;
    std::unordered_map<score_key, order::iterator, score_key_hash> index_;
    cache_stats stats_;
};

} // namespace rerank::cache
