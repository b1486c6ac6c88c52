// Byte-level BPE: the merge table and the merge loop of one pre-tokenizer piece.
//
// The loop is Hugging Face's: repeatedly merge the adjacent pair of lowest merge rank, the
// leftmost one among equals, until no adjacent pair has a merge. Short pieces use a flat array
// (a scan for the minimum is cheaper than a heap there); long ones a linked list of symbols and
// a binary heap keyed by (rank, position) with lazy invalidation, O(n log n).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace rerank::tokenizer_detail {

class merge_table {
public:
    static constexpr std::uint32_t no_merge = 0xFFFFFFFFu;
    static constexpr std::uint32_t max_id = (1u << 21) - 2;   // ids fit 21 bits (all-ones: empty)
    static constexpr std::uint32_t max_rank = (1u << 22) - 2; // ranks 22 bits (all-ones: none)

    /// `pairs[r]` are the ids merged by the merge of rank r, `merged[r]` the resulting id.
    /// `byte_ids[b]` is the id of the single-byte token b. Throws std::runtime_error when an id
    /// or the number of merges exceeds the table's limits.
    merge_table(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs,
                std::vector<std::uint32_t> merged, const std::uint32_t (&byte_ids)[256]);

    /// Rank of merging ids a and b, or no_merge.
    std::uint32_t rank(std::uint32_t a, std::uint32_t b) const noexcept {
        const std::uint64_t key = (std::uint64_t{a} << 21) | b;
        std::size_t i = slot_of(key);
        for (;;) {
            const std::uint64_t s = slots_[i];
            if (s == empty_slot)
                return no_merge;
            if ((s >> 22) == key)
                return static_cast<std::uint32_t>(s & rank_mask);
            i = (i + 1) & mask_;
        }
    }
    /// Rank of merging the single-byte tokens of bytes a and b, or no_merge.
    std::uint32_t byte_rank(unsigned char a, unsigned char b) const noexcept {
        return byte_ranks_[(unsigned{a} << 8) | b];
    }
    std::uint32_t merged_id(std::uint32_t rank) const noexcept { return merged_[rank]; }
    std::uint32_t byte_id(unsigned char b) const noexcept { return byte_ids_[b]; }
    /// True when every merge ranks above the merges that create its two tokens (trained BPE):
    /// merges then create only pairs of higher rank, which allows a faster queue.
    bool monotone() const noexcept { return monotone_; }
    /// Distinguishes tables in per-thread caches (addresses can be reused).
    std::uint64_t uid() const noexcept { return uid_; }

    static constexpr std::uint64_t rank_mask = (1u << 22) - 1;

private:
    static constexpr std::uint64_t empty_slot = ~std::uint64_t{0};
    std::size_t slot_of(std::uint64_t key) const noexcept {
        return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);
    }

    std::vector<std::uint64_t> slots_; // (key << 22) | rank, open addressing
    std::size_t mask_ = 0;
    unsigned shift_ = 64;
    std::vector<std::uint32_t> merged_;     // by rank
    std::vector<std::uint32_t> byte_ranks_; // 65536 entries
    std::uint32_t byte_ids_[256];
    std::uint64_t uid_;
    bool monotone_ = false;
};

/// The tokens of one piece: ids and the byte offset where each starts. Views into per-thread
/// scratch buffers, valid until the next call on the same thread.
struct bpe_tokens {
    std::span<const std::uint32_t> ids;
    std::span<const std::uint32_t> starts;
};

/// Which merge loop runs: by piece length (the default), or one of them (for tests).
enum class bpe_loop { automatic, flat, heap };

/// Runs BPE on the bytes of one piece (non-empty). Throws std::length_error for a piece of
/// 4 GiB or more.
bpe_tokens bpe_encode(const merge_table& merges, std::string_view piece,
                      bpe_loop loop = bpe_loop::automatic);

/// Number of tokens of one piece; same as bpe_encode(...).ids.size().
std::size_t bpe_count(const merge_table& merges, std::string_view piece);

} // namespace rerank::tokenizer_detail
