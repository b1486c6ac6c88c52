// The score cache's bookkeeping: LRU order, TTL and memory bounds. Sans-io and not thread-safe:
// time comes from the caller, locking is the owner's (score_cache_state).
#pragma once

#include "cache/score_key.hpp"

#include <rerank/cache_options.hpp>
#include <rerank/cache_stats.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace rerank::cache {

/// Flat storage, so that a lookup costs one or two cache misses and an insert no allocation
/// once warm: entries live in one vector (freed slots reused), linked into the LRU order by
/// 32-bit indices, and found through an open-addressing table (linear probing, at most half
/// full) of (32 bits of the key, slot) pairs, whose deletions shift entries back (no
/// tombstones). A node-based map and list cost four times as much per lookup on a cache of
/// 100,000 entries (rerank-bench, bench/README.md).
class score_store {
public:
    using time_point = std::chrono::steady_clock::time_point;

    /// Memory one entry takes at most, counted against `cache_options::max_bytes`: its slot
    /// twice (the vector's growth) and four table cells (the table is between a quarter and half
    /// full). See `score_cache::entry_bytes`.
    static const std::size_t entry_bytes;

    /// `opts` must be valid (`score_cache` checks them).
    explicit score_store(const cache_options& opts);

    /// The score under `key` if held and younger than the TTL at `now` (a hit makes it the
    /// most recently used); an expired entry is dropped. Counts a hit or a miss.
    std::optional<double> find(const score_key& key, time_point now);

    /// Asks the CPU to fetch what finding `keys` will read, so that their cache misses overlap
    /// instead of following one another. Changes nothing.
    void prefetch(std::span<const score_key> keys) const noexcept;
    /// The first step of that for one key: its home cell of the table.
    void prefetch_cell(const score_key& key) const noexcept {
        __builtin_prefetch(&table_[tag_of(key) & mask_]);
    }

    /// Stores `score` under `key` at `now` (replacing a score held under it, which then counts
    /// as new), evicting least recently used entries to stay within the bounds. Expired
    /// entries at the cold end go first, counted as expirations.
    void insert(const score_key& key, double score, time_point now);

    /// Drops every entry (and the memory they took).
    void clear() noexcept;

    cache_stats stats() const noexcept;

private:
    static constexpr std::uint32_t none = 0xffffffffu;
    struct slot {
        score_key key;
        double score = 0;
        time_point expires;
        std::uint32_t newer = none; // towards the most recently used
        std::uint32_t older = none; // towards the least recently used
    };
    struct cell {
        std::uint32_t tag = 0;   // the key's low 32 bits: its home cell, and a cheap filter
        std::uint32_t slot1 = 0; // slot index + 1; 0 = empty
    };

    static std::uint32_t tag_of(const score_key& k) noexcept {
        return static_cast<std::uint32_t>(k.low);
    }
    /// The cell holding `key`, or `none`.
    std::uint32_t locate(const score_key& key) const noexcept;
    void unlink(std::uint32_t s) noexcept;
    void link_front(std::uint32_t s) noexcept;
    /// Drops the entry in `cell_at` (its slot and its cell).
    void drop_cell(std::uint32_t cell_at) noexcept;
    void drop_oldest() noexcept;
    void place(std::uint32_t tag, std::uint32_t slot1) noexcept;
    void grow_table();
    bool full() const noexcept;

    cache_options options_;
    std::vector<slot> slots_;
    std::vector<std::uint32_t> free_slots_;
    std::vector<cell> table_; // size a power of two
    std::uint32_t mask_ = 0;
    std::uint32_t newest_ = none;
    std::uint32_t oldest_ = none;
    std::size_t size_ = 0;
    cache_stats stats_;
};

} // namespace rerank::cache
