// A bounded in-memory cache of relevance scores, shared by the clients given it.
#pragma once

#include <rerank/cache_options.hpp>
#include <rerank/cache_stats.hpp>

#include <cstddef>
#include <memory>

namespace rerank {

namespace detail {
class score_cache_state;
struct score_cache_access;
} // namespace detail

/// Scores of documents already ranked, so that a call sends only the documents it has not seen
/// (`client_options::cache`). Off unless the caller creates one and gives it to a client.
///
/// What is cached: the score of one document for one (dialect, base URL, model, instruct,
/// query) — and, under `oversized_item_policy::client_truncates`, the per-item token limit
/// the client cut with — under a 128-bit keyed hash of those fields (no text is kept). Only
/// scores of successful, validated responses are stored. A call looks up every document first,
/// sends one request (or the batcher's split) for the documents it misses, and ranks cached and
/// fresh scores together; a call whose every document is cached sends nothing. That merging
/// relies on what splitting a call relies on: a model scoring each document on its own, so
/// that scores from separate requests compare (see `batching` in the README); where they do
/// not, the client neither reads nor fills its cache.
///
/// Eviction: least recently used first (a hit refreshes an entry), within
/// `cache_options::max_bytes` and `max_entries`; an entry older than `cache_options::ttl`
/// is a miss.
///
/// Thread safety: every member function may be called concurrently; one cache may serve
/// any number of clients on any threads (one mutex, held for the lookups or inserts of one
/// call: microseconds, never across I/O).
///
/// Lifetime: held by `std::shared_ptr`; each client given it keeps it alive.
class score_cache {
public:
    /// Memory one entry takes at most, counted against `cache_options::max_bytes`: its slot
    /// (key, score, expiry, LRU links) twice for the growth of their vector, and four cells of
    /// the hash table, which is kept between a quarter and half full (112 bytes).
    static const std::size_t entry_bytes;

    /// An empty cache. Throws `std::invalid_argument` when `opts.max_entries` is 0,
    /// `opts.max_bytes` below `entry_bytes`, or `opts.ttl` not positive.
    explicit score_cache(cache_options opts = {});
    ~score_cache();
    score_cache(const score_cache&) = delete;
    score_cache& operator=(const score_cache&) = delete;

    /// The options given at construction.
    const cache_options& options() const noexcept;
    /// A snapshot of the counters.
    cache_stats stats() const;
    /// Drops every entry (the counters but `entries` and `bytes` keep their values).
    void clear();

private:
    friend struct detail::score_cache_access;
    std::unique_ptr<detail::score_cache_state> state_;
};

} // namespace rerank
