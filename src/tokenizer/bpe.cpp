#include "tokenizer/bpe.hpp"

#include "tokenizer/merge_queue.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>
#include <functional>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>

namespace rerank::tokenizer_detail {

merge_table::merge_table(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs,
                         std::vector<std::uint32_t> merged, const std::uint32_t (&byte_ids)[256])
    : merged_(std::move(merged))
    , byte_ranks_(65536, no_merge) {
    static std::atomic<std::uint64_t> tables{0};
    uid_ = ++tables;
    if (pairs.size() != merged_.size() || pairs.size() > max_rank)
        throw std::runtime_error("tokenizer: too many merges (" + std::to_string(pairs.size()) +
                                 ")");
    std::memcpy(byte_ids_, byte_ids, sizeof byte_ids_);
    // A table at most ~60% full.
    const std::size_t size = std::bit_ceil(std::max<std::size_t>(pairs.size() * 5 / 3 + 1, 16));
    slots_.assign(size, empty_slot);
    mask_ = size - 1;
    shift_ = 64u - static_cast<unsigned>(std::countr_zero(size));
    for (std::uint32_t r = 0; r < pairs.size(); ++r) {
        const auto [a, b] = pairs[r];
        if (a > max_id || b > max_id || merged_[r] > max_id)
            throw std::runtime_error("tokenizer: token id too large for the merge table");
        const std::uint64_t key = (std::uint64_t{a} << 21) | b;
        std::size_t i = slot_of(key);
        while (slots_[i] != empty_slot && (slots_[i] >> 22) != key)
            i = (i + 1) & mask_;
        slots_[i] =
            (key << 22) | r; // a repeated pair keeps its last rank, as in Hugging Face's map
    }
    for (unsigned a = 0; a < 256; ++a)
        for (unsigned b = 0; b < 256; ++b)
            byte_ranks_[(a << 8) | b] = rank(byte_ids_[a], byte_ids_[b]);

    // Monotone: every merge ranks above all merges that create either of its two tokens.
    std::uint32_t top_id = 0;
    for (std::uint32_t r = 0; r < pairs.size(); ++r)
        top_id = std::max({top_id, pairs[r].first, pairs[r].second, merged_[r]});
    std::vector<std::int64_t> created(std::size_t{top_id} + 1, -1); // highest rank creating each id
    for (std::uint32_t r = 0; r < merged_.size(); ++r)
        created[merged_[r]] = std::max<std::int64_t>(created[merged_[r]], r);
    monotone_ = true;
    for (std::uint32_t r = 0; r < pairs.size() && monotone_; ++r)
        monotone_ = created[pairs[r].first] < r && created[pairs[r].second] < r;
}

namespace {

// Pieces up to this many bytes use the flat-array loop.
constexpr std::size_t flat_limit = 48;

// A direct-mapped cache of pair lookups (256 KiB, stays in L2): the merge table itself is
// megabytes, and most lookups repeat the same few thousand pairs.
class pair_cache {
public:
    /// Empties the cache when it last served another table.
    void bind(const merge_table& m) noexcept {
        if (owner_ == m.uid())
            return;
        std::fill(std::begin(slots_), std::end(slots_), ~std::uint64_t{0});
        owner_ = m.uid();
    }
    /// The rank of (a, b) in the bound table.
    std::uint32_t rank(const merge_table& m, std::uint32_t a, std::uint32_t b) noexcept {
        const std::uint64_t key = (std::uint64_t{a} << 21) | b;
        std::uint64_t& slot = slots_[(key * 0x9E3779B97F4A7C15ull) >> (64 - bits)];
        if ((slot >> 22) == key) {
            const auto r = static_cast<std::uint32_t>(slot & merge_table::rank_mask);
            return r == merge_table::rank_mask ? merge_table::no_merge : r;
        }
        const std::uint32_t r = m.rank(a, b);
        slot = (key << 22) | (r == merge_table::no_merge ? merge_table::rank_mask : r);
        return r;
    }

private:
    static constexpr unsigned bits = 15;
    std::uint64_t owner_ = 0;
    std::uint64_t slots_[std::size_t{1} << bits];
};

struct scratch {
    pair_cache pairs;
    std::vector<std::uint32_t> ids, starts, ranks;
    // Long pieces only.
    std::vector<std::uint32_t> next, prev;
    radix_merge_queue radix;
    binary_merge_queue binary;
};

// Allocated on first use, so threads that never tokenize pay nothing.
scratch& thread_scratch() {
    thread_local std::unique_ptr<scratch> s;
    if (!s)
        s = std::make_unique<scratch>();
    return *s;
}

// Initial symbols: one per byte, and the ranks of adjacent byte pairs.
void start_symbols(const merge_table& m, std::string_view piece, scratch& s) {
    const std::size_t n = piece.size();
    s.ids.resize(n);
    s.starts.resize(n);
    s.ranks.resize(n);
    const auto* bytes = reinterpret_cast<const unsigned char*>(piece.data());
    for (std::size_t i = 0; i < n; ++i) {
        s.ids[i] = m.byte_id(bytes[i]);
        s.starts[i] = static_cast<std::uint32_t>(i);
        s.ranks[i] = i + 1 < n ? m.byte_rank(bytes[i], bytes[i + 1]) : merge_table::no_merge;
    }
}

// Flat loop: ids/starts/ranks are compacted in place; returns the token count.
std::size_t merge_flat(const merge_table& m, scratch& s, std::size_t n) {
    std::uint32_t* ids = s.ids.data();
    std::uint32_t* starts = s.starts.data();
    std::uint32_t* ranks = s.ranks.data();
    for (;;) {
        std::uint32_t best = merge_table::no_merge;
        std::size_t at = 0;
        for (std::size_t i = 0; i + 1 < n; ++i) {
            if (ranks[i] < best) {
                best = ranks[i];
                at = i;
            }
        }
        if (best == merge_table::no_merge)
            return n;
        ids[at] = m.merged_id(best);
        const std::size_t tail = n - (at + 2);
        std::memmove(ids + at + 1, ids + at + 2, tail * sizeof *ids);
        std::memmove(starts + at + 1, starts + at + 2, tail * sizeof *starts);
        std::memmove(ranks + at + 1, ranks + at + 2, tail * sizeof *ranks);
        --n;
        ranks[at] = at + 1 < n ? s.pairs.rank(m, ids[at], ids[at + 1]) : merge_table::no_merge;
        if (at > 0)
            ranks[at - 1] = s.pairs.rank(m, ids[at - 1], ids[at]);
    }
}

constexpr std::uint32_t none = 0xFFFFFFFFu;

// Queue loop over a doubly linked list; leaves the surviving symbols compacted in ids/starts.
// ranks[i] always holds the rank of the pair starting at symbol i, so a queued entry is stale
// exactly when its rank differs (a pair never comes back once changed: tokens only grow).
template <class Queue>
std::size_t merge_queued(const merge_table& m, scratch& s, Queue& queue, std::size_t n) {
    s.next.resize(n);
    s.prev.resize(n);
    queue.clear();
    for (std::size_t i = 0; i < n; ++i) {
        s.next[i] = i + 1 < n ? static_cast<std::uint32_t>(i + 1) : none;
        s.prev[i] = i > 0 ? static_cast<std::uint32_t>(i - 1) : none;
        if (s.ranks[i] != merge_table::no_merge)
            queue.push((std::uint64_t{s.ranks[i]} << 32) | i);
    }
    auto update = [&](std::uint32_t pos) {
        const std::uint32_t nx = s.next[pos];
        const std::uint32_t r =
            nx == none ? merge_table::no_merge : s.pairs.rank(m, s.ids[pos], s.ids[nx]);
        s.ranks[pos] = r;
        if (r != merge_table::no_merge)
            queue.push((std::uint64_t{r} << 32) | pos);
    };
    while (!queue.empty()) {
        const std::uint64_t top = queue.pop();
        const auto rank = static_cast<std::uint32_t>(top >> 32);
        const auto pos = static_cast<std::uint32_t>(top);
        if (s.ids[pos] == none || s.ranks[pos] != rank)
            continue; // merged away, or stale
        const std::uint32_t nx = s.next[pos];
        s.ids[pos] = m.merged_id(rank);
        s.ids[nx] = none;
        const std::uint32_t after = s.next[nx];
        s.next[pos] = after;
        if (after != none)
            s.prev[after] = pos;
        if (s.prev[pos] != none)
            update(s.prev[pos]);
        update(pos);
    }
    std::size_t out = 0;
    for (std::uint32_t i = 0; i != none; i = s.next[i]) {
        s.ids[out] = s.ids[i];
        s.starts[out] = s.starts[i];
        ++out;
    }
    return out;
}

std::size_t merge_heap(const merge_table& m, scratch& s, std::size_t n) {
    return m.monotone() ? merge_queued(m, s, s.radix, n) : merge_queued(m, s, s.binary, n);
}

// Frees the long-piece buffers when a huge piece grew them (beyond 1M symbols) and the next piece
// does not need them: a per-thread scratch must not keep gigabytes alive.
void trim(scratch& s, std::size_t needed) {
    constexpr std::size_t keep = std::size_t{1} << 20;
    if (s.ids.capacity() <= keep || needed > keep)
        return;
    for (auto* v : {&s.ids, &s.starts, &s.ranks, &s.next, &s.prev})
        std::vector<std::uint32_t>().swap(*v);
    s.radix.release();
    s.binary.release();
}

std::size_t run(const merge_table& m, std::string_view piece, scratch& s,
                bpe_loop loop = bpe_loop::automatic) {
    trim(s, piece.size());
    if (piece.size() >= 0xFFFFFFFFu) // positions are 32-bit
        throw std::length_error("tokenizer: a single pre-tokenizer piece of 4 GiB or more");
    start_symbols(m, piece, s);
    s.pairs.bind(m);
    const bool flat =
        loop == bpe_loop::flat || (loop == bpe_loop::automatic && piece.size() <= flat_limit);
    return flat ? merge_flat(m, s, piece.size()) : merge_heap(m, s, piece.size());
}

} // namespace

bpe_tokens bpe_encode(const merge_table& merges, std::string_view piece, bpe_loop loop) {
    scratch& s = thread_scratch();
    const std::size_t n = run(merges, piece, s, loop);
    return {std::span<const std::uint32_t>(s.ids.data(), n),
            std::span<const std::uint32_t>(s.starts.data(), n)};
}

std::size_t bpe_count(const merge_table& merges, std::string_view piece) {
    if (piece.size() == 1)
        return 1;
    if (piece.size() == 2)
        return merges.byte_rank(static_cast<unsigned char>(piece[0]),
                                static_cast<unsigned char>(piece[1])) == merge_table::no_merge
                   ? 2
                   : 1;
    scratch& s = thread_scratch();
    const std::size_t n = run(merges, piece, s);
    trim(s, 0);
    return n;
}

} // namespace rerank::tokenizer_detail
