#include <rerank/score_cache.hpp>

#include "cache/score_cache_state.hpp"

#include <stdexcept>

namespace rerank {

const std::size_t score_cache::entry_bytes = cache::score_store::entry_bytes;

namespace {

const cache_options& checked(const cache_options& o) {
    if (o.max_entries == 0)
        throw std::invalid_argument("rerank::cache_options::max_entries must be at least 1");
    if (o.max_bytes < score_cache::entry_bytes)
        throw std::invalid_argument("rerank::cache_options::max_bytes must be at least " +
                                    std::to_string(score_cache::entry_bytes) +
                                    " (score_cache::entry_bytes)");
    if (o.ttl.count() <= 0)
        throw std::invalid_argument("rerank::cache_options::ttl must be positive");
    return o;
}

} // namespace

score_cache::score_cache(cache_options opts)
    : state_(std::make_unique<detail::score_cache_state>(checked(opts))) {}

score_cache::~score_cache() = default;

const cache_options& score_cache::options() const noexcept {
    return state_->options;
}

cache_stats score_cache::stats() const {
    return state_->stats();
}

void score_cache::clear() {
    state_->clear();
}

namespace detail {

void score_cache_state::find_all(std::span<const cache::score_key> keys, std::span<double> scores,
                                 std::vector<std::size_t>& misses, time_point now) {
    const std::lock_guard lock(mutex_);
    store_.prefetch(keys);
    for (std::size_t i = 0; i != keys.size(); ++i) {
        if (const auto score = store_.find(keys[i], now))
            scores[i] = *score;
        else
            misses.push_back(i);
    }
}

void score_cache_state::insert_all(std::span<const std::pair<cache::score_key, double>> scored,
                                   time_point now) {
    const std::lock_guard lock(mutex_);
    for (const auto& entry : scored) // the cells the inserts probe first (see find_all)
        store_.prefetch_cell(entry.first);
    for (const auto& [key, score] : scored)
        store_.insert(key, score, now);
}

cache_stats score_cache_state::stats() const {
    const std::lock_guard lock(mutex_);
    return store_.stats();
}

void score_cache_state::clear() {
    const std::lock_guard lock(mutex_);
    store_.clear();
}

} // namespace detail
} // namespace rerank
