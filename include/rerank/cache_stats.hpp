// Counters of a score cache.
#pragma once

#include <cstdint>

namespace rerank {

/// A snapshot of a `score_cache`'s counters (`score_cache::stats()`, and `pool_stats::cache`
/// of `client::stats()`). A cache shared by several clients counts the lookups of them all.
/// Counters grow from the cache's construction; `entries` and `bytes` are gauges.
struct cache_stats {
    std::uint64_t hits = 0;        ///< documents whose score was found (and fresh)
    std::uint64_t misses = 0;      ///< documents looked up and not found, or found expired
    std::uint64_t insertions = 0;  ///< scores stored (a score stored again counts again)
    std::uint64_t evictions = 0;   ///< entries dropped to stay within the bounds (LRU)
    std::uint64_t expirations = 0; ///< entries dropped because their TTL had passed
    std::uint64_t entries = 0;     ///< entries held now
    std::uint64_t bytes = 0;       ///< memory they take now (entries × entry_bytes), in bytes
};

} // namespace rerank
