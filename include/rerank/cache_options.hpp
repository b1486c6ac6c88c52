// How big a score cache may grow and how long its scores stay valid.
#pragma once

#include <chrono>
#include <cstddef>

namespace rerank {

/// Options of a `rerank::score_cache`. An entry is one document's score for one (dialect, base
/// URL, model, instruct, query); it holds a 128-bit key and the score, never any text, and
/// costs at most `score_cache::entry_bytes` (112 bytes) of memory.
///
/// The cache evicts the least recently used entry when an insert would pass either bound.
/// `score_cache`'s constructor throws `std::invalid_argument` for a zero bound or TTL.
struct cache_options {
    /// Most memory the entries may take, in bytes (entries × `score_cache::entry_bytes`).
    /// Default 128 MiB: about 1.2 million scores. Must be at least `score_cache::entry_bytes`.
    std::size_t max_bytes = std::size_t(128) << 20;
    /// Most entries (scores) kept, whatever their size. Default 1,000,000. Must be >= 1.
    std::size_t max_entries = 1000000;
    /// How long a score stays valid after it was received; an older one is a miss (and is
    /// dropped). Default 24 hours: the model behind a name changes rarely; shorten it when
    /// a model update must show at once. Unit: seconds. Must be positive.
    std::chrono::seconds ttl = std::chrono::hours(24);
};

} // namespace rerank
