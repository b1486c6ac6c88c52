#include "cache/score_store.hpp"

namespace rerank::cache {

namespace {

// What one entry costs: a list node (two links and the entry), a hash-table node (a link, the
// key, the list iterator, and the cached hash where the implementation keeps one), a bucket
// pointer (load factor at most 1), and malloc's header on each of the two allocations.
template <class Entry, class Key, class Iterator>
constexpr std::size_t bytes_of_entry() {
    constexpr std::size_t malloc_header = 16;
    constexpr std::size_t list_node = 2 * sizeof(void*) + sizeof(Entry);
    constexpr std::size_t table_node =
        sizeof(void*) + sizeof(Key) + sizeof(Iterator) + sizeof(std::size_t);
    constexpr std::size_t bucket = sizeof(void*);
    return list_node + table_node + bucket + 2 * malloc_header;
}

} // namespace

const std::size_t score_store::entry_bytes =
    bytes_of_entry<score_store::entry, score_key, std::list<score_store::entry>::iterator>();

std::optional<double> score_store::find(const score_key& key, time_point now) {
    const auto found = index_.find(key);
    if (found == index_.end()) {
        ++stats_.misses;
        return std::nullopt;
    }
    const order::iterator it = found->second;
    if (it->expires <= now) {
        ++stats_.misses;
        ++stats_.expirations;
        index_.erase(found);
        lru_.erase(it);
        return std::nullopt;
    }
    ++stats_.hits;
    lru_.splice(lru_.begin(), lru_, it);
    return it->score;
}

void score_store::insert(const score_key& key, double score, time_point now) {
    ++stats_.insertions;
    const time_point expires = now + options_.ttl;
    if (const auto found = index_.find(key); found != index_.end()) {
        found->second->score = score;
        found->second->expires = expires;
        lru_.splice(lru_.begin(), lru_, found->second);
        return;
    }
    // Expired entries sit at the cold end unless hit since: drop those first, then the LRU.
    while (!lru_.empty() && lru_.back().expires <= now) {
        ++stats_.expirations;
        drop(std::prev(lru_.end()));
    }
    while (!lru_.empty() && full()) {
        ++stats_.evictions;
        drop(std::prev(lru_.end()));
    }
    lru_.push_front(entry{key, score, expires});
    try {
        index_.emplace(key, lru_.begin());
    } catch (...) {
        lru_.pop_front();
        throw;
    }
}

bool score_store::full() const noexcept {
    const std::size_t n = lru_.size();
    return n >= options_.max_entries || (n + 1) * entry_bytes > options_.max_bytes;
}

void score_store::drop(order::iterator it) noexcept {
    index_.erase(it->key);
    lru_.erase(it);
}

void score_store::clear() noexcept {
    index_.clear();
    lru_.clear();
}

cache_stats score_store::stats() const noexcept {
    cache_stats s = stats_;
    s.entries = lru_.size();
    s.bytes = lru_.size() * entry_bytes;
    return s;
}

} // namespace rerank::cache
