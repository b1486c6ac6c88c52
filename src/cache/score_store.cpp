#include "cache/score_store.hpp"

#include <boost/assert.hpp>

namespace rerank::cache {

namespace {
constexpr std::size_t initial_cells = 1024;
} // namespace

const std::size_t score_store::entry_bytes = 2 * sizeof(slot) + 4 * sizeof(cell);

score_store::score_store(const cache_options& opts)
    : options_(opts)
    , table_(initial_cells)
    , mask_(initial_cells - 1) {}

std::uint32_t score_store::locate(const score_key& key) const noexcept {
    const std::uint32_t tag = tag_of(key);
    for (std::uint32_t i = tag & mask_;; i = (i + 1) & mask_) {
        const cell c = table_[i];
        if (c.slot1 == 0)
            return none;
        if (c.tag == tag && slots_[c.slot1 - 1].key == key)
            return i;
    }
}

void score_store::prefetch(std::span<const score_key> keys) const noexcept {
    for (const score_key& k : keys)
        prefetch_cell(k);
    for (const score_key& k : keys) {
        const cell c = table_[tag_of(k) & mask_];
        if (c.slot1 != 0)
            __builtin_prefetch(&slots_[c.slot1 - 1]);
    }
}

void score_store::unlink(std::uint32_t s) noexcept {
    slot& e = slots_[s];
    (e.newer == none ? newest_ : slots_[e.newer].older) = e.older;
    (e.older == none ? oldest_ : slots_[e.older].newer) = e.newer;
    e.newer = e.older = none;
}

void score_store::link_front(std::uint32_t s) noexcept {
    slot& e = slots_[s];
    e.newer = none;
    e.older = newest_;
    (newest_ == none ? oldest_ : slots_[newest_].newer) = s;
    newest_ = s;
}

void score_store::drop_cell(std::uint32_t at) noexcept {
    const std::uint32_t s = table_[at].slot1 - 1;
    unlink(s);
    free_slots_.push_back(s); // capacity reserved as slots_ grew: no allocation
    --size_;
    // Backward-shift deletion: move later cells of the run into the hole when their home
    // cell lies cyclically at or before it, so that every probe still finds its key.
    std::uint32_t hole = at;
    for (std::uint32_t i = (at + 1) & mask_;; i = (i + 1) & mask_) {
        const cell c = table_[i];
        if (c.slot1 == 0)
            break;
        const std::uint32_t home = c.tag & mask_;
        if (((i - home) & mask_) >= ((i - hole) & mask_)) {
            table_[hole] = c;
            hole = i;
        }
    }
    table_[hole] = cell{};
}

void score_store::drop_oldest() noexcept {
    const std::uint32_t at = locate(slots_[oldest_].key);
    BOOST_ASSERT(at != none);
    drop_cell(at);
}

std::optional<double> score_store::find(const score_key& key, time_point now) {
    const std::uint32_t at = locate(key);
    if (at == none) {
        ++stats_.misses;
        return std::nullopt;
    }
    const std::uint32_t s = table_[at].slot1 - 1;
    if (slots_[s].expires <= now) {
        ++stats_.misses;
        ++stats_.expirations;
        drop_cell(at);
        return std::nullopt;
    }
    ++stats_.hits;
    if (newest_ != s) {
        unlink(s);
        link_front(s);
    }
    return slots_[s].score;
}

void score_store::place(std::uint32_t tag, std::uint32_t slot1) noexcept {
    std::uint32_t i = tag & mask_;
    while (table_[i].slot1 != 0)
        i = (i + 1) & mask_;
    table_[i] = cell{tag, slot1};
}

void score_store::grow_table() {
    std::vector<cell> old(table_.size() * 2);
    old.swap(table_);
    mask_ = static_cast<std::uint32_t>(table_.size() - 1);
    for (const cell& c : old)
        if (c.slot1 != 0)
            place(c.tag, c.slot1);
}

bool score_store::full() const noexcept {
    return size_ >= options_.max_entries || (size_ + 1) * entry_bytes > options_.max_bytes;
}

void score_store::insert(const score_key& key, double score, time_point now) {
    ++stats_.insertions;
    const time_point expires = now + options_.ttl;
    if (const std::uint32_t at = locate(key); at != none) {
        const std::uint32_t s = table_[at].slot1 - 1;
        slots_[s].score = score;
        slots_[s].expires = expires;
        if (newest_ != s) {
            unlink(s);
            link_front(s);
        }
        return;
    }
    // Expired entries sit at the cold end unless hit since: drop those first, then the LRU.
    while (oldest_ != none && slots_[oldest_].expires <= now) {
        ++stats_.expirations;
        drop_oldest();
    }
    while (oldest_ != none && full()) {
        ++stats_.evictions;
        drop_oldest();
    }
    if ((size_ + 1) * 2 > table_.size())
        grow_table();
    std::uint32_t s;
    if (!free_slots_.empty()) {
        s = free_slots_.back();
        free_slots_.pop_back();
    } else {
        BOOST_ASSERT(slots_.size() < none);
        slots_.emplace_back();
        // Every slot may be freed at once: keep room to list them without allocating.
        if (free_slots_.capacity() < slots_.size())
            free_slots_.reserve(slots_.capacity());
        s = static_cast<std::uint32_t>(slots_.size() - 1);
    }
    slots_[s].key = key;
    slots_[s].score = score;
    slots_[s].expires = expires;
    link_front(s);
    place(tag_of(key), s + 1);
    ++size_;
}

void score_store::clear() noexcept {
    slots_ = {};
    free_slots_ = {};
    table_.assign(initial_cells, cell{});
    mask_ = initial_cells - 1;
    newest_ = oldest_ = none;
    size_ = 0;
}

cache_stats score_store::stats() const noexcept {
    cache_stats s = stats_;
    s.entries = size_;
    s.bytes = size_ * entry_bytes;
    return s;
}

} // namespace rerank::cache
