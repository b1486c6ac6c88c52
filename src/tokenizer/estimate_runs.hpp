// The estimator's bound of one piece in closed form, and its computation 64 bytes at a time.
//
// The bound of a piece (token_estimate.hpp) is the largest number of tokens of a segmentation of
// its bytes in which every two-byte token is one of the 5,073 byte-pair merges and no two
// adjacent single-byte tokens form one. Cut the piece into chains: maximal stretches in which
// every two adjacent bytes form a merge (a byte that merges with neither neighbour is a chain of
// one). Then
//
//     bound(piece) = sum over its chains of floor((2k + 1) / 3)        (k bytes in the chain)
//                  = bytes - sum over its chains of ceil(m / 3)        (m = k - 1 merging pairs)
//
// At least: segment each chain single, pair, single, pair, ...: every pair is a merge, two
// singles of one chain are never adjacent and singles of different chains are separated by a
// pair that does not merge; a chain of 3j+1 bytes gives 2j+1 tokens, of 3j+2 bytes 2j+1, of
// 3j+3 bytes 2j+2, that is floor((2k + 1) / 3).
// At most: take a largest valid segmentation. A token that crosses a chain border has 3+ bytes
// (a two-byte token is a merge, so it lies inside a chain). Cut it at the borders it crosses:
// each inner part is a whole chain, segmented as above (1+ tokens); the first part is the end
// of a chain, segmented single, pair, ... or, when a single-byte token of its chain comes just
// before it, pair, single, ... (1+ tokens), except that a one-byte first part after such a
// token joins it, making it a merge pair (0 tokens); the last part likewise, mirrored. Both
// outer parts joining their neighbours would mean a token of two bytes, so the cut gives 1+
// tokens for the 1 it removes, the rules still hold (a pair is never forbidden, singles meet
// only across borders or with a pair between), and one crossing fewer remains.
// So some largest segmentation has no token across a border, and inside one chain of k bytes
// with s single-byte tokens (never adjacent, so at least s - 1 longer tokens between them):
// 3 * tokens - 2 * k = sum over tokens of (3 - 2 * length) <= s - (s - 1) = 1.
// (This equals the dynamic programme the estimator used before, bit pattern for bit pattern;
// test/tokenizer/estimate_test.cpp checks both against each other.)
//
// Over a whole text: bytes - sum over the runs of consecutive "live" pairs of ceil(m / 3), where
// a pair is live when its two bytes form a merge and lie in the same piece. The live pairs of 64
// bytes make a 64-bit mask; run_counter adds up ceil(m / 3) over its runs of set bits with a few
// word operations, carrying the run that crosses into the next block.
#pragma once

#include "tokenizer/estimate_tables.hpp"

#include <bit>
#include <cstddef>
#include <cstdint>

namespace rerank::tokenizer_detail::estimate {

/// merges[a | b << 8] is 1 when the single-byte tokens a, b merge: the 5,073 byte-pair merges
/// of estimate_tables.hpp one byte each (64 KiB, made on first use), so that the pair ending
/// at byte j is one load indexed by the 16 bits at j - 1.
struct byte_pair_table {
    unsigned char merges[65536];
};

inline const byte_pair_table& byte_pairs() noexcept {
    static const byte_pair_table table = [] {
        byte_pair_table t{};
        for (unsigned a = 0; a < 256; ++a)
            for (unsigned b = 0; b < 256; ++b)
                t.merges[a | b << 8] = qwen3::byte_pair_merges_exist(a, b) ? 1 : 0;
        return t;
    }();
    return table;
}

/// Bit j set when bytes t[j - 1] and t[j] form a byte-pair merge (t[-1] being `prev`), for
/// j < n <= 64; the bits from n up are clear.
inline std::uint64_t merge_mask(const byte_pair_table& pairs, const unsigned char* t, std::size_t n,
                                unsigned prev) noexcept {
    const unsigned char* const m = pairs.merges;
    const auto bit = [&](std::size_t j) {
        return std::uint64_t{m[t[j - 1] | unsigned{t[j]} << 8]} << j;
    };
    std::uint64_t mask = m[prev | unsigned{t[0]} << 8];
    if (n == 64) {
        // The common case: unrolled (constant shifts), in four independent chains of ORs.
        std::uint64_t a = bit(1), b = bit(2), c = bit(3);
#pragma GCC unroll 16
        for (std::size_t j = 4; j < 64; j += 4) {
            mask |= bit(j);
            a |= bit(j + 1);
            b |= bit(j + 2);
            c |= bit(j + 3);
        }
        return mask | a | b | c;
    }
    for (std::size_t j = 1; j < n; ++j)
        mask |= bit(j);
    return mask;
}

/// Population count by bit slicing (the library targets baseline x86-64, without popcnt).
inline unsigned popcount64(std::uint64_t x) noexcept {
    x -= (x >> 1) & 0x5555555555555555ull;
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return static_cast<unsigned>((x * 0x0101010101010101ull) >> 56);
}

/// Sum of ceil(m / 3) over the runs of set bits of a bit string fed 64 bits at a time.
class run_counter {
public:
    /// Adds the next 64 bits (bit 0 first). A run at bit 0 continues the previous word's last.
    void add(std::uint64_t x) noexcept {
        // A run of m bits contributes ceil(m / 3): one for each of its bits at offsets 0, 3, 6
        // ... from its start. Bits at positions = r (mod 3) are third[r]; x + (starts of some
        // runs) clears exactly those runs (the carry stops at the clear bit after each run).
        constexpr std::uint64_t third[3] = {0x9249249249249249ull, 0x2492492492492492ull,
                                            0x4924924924924924ull};
        const std::uint64_t lead = x & ~(x + 1); // the run at bit 0, already `phase_` long
        const std::uint64_t starts = x & ~(x << 1) & ~std::uint64_t{1};
        std::uint64_t counted = lead & third[(3 - phase_) % 3];
        for (unsigned r = 0; r < 3; ++r)
            counted |= x & ~(x + (starts & third[r])) & third[r];
        saved_ += popcount64(counted);
        if ((x >> 63) == 0)
            phase_ = 0;
        else if (x == ~std::uint64_t{0}) // one run, continuing
            phase_ = (phase_ + 64) % 3;
        else
            phase_ = static_cast<unsigned>(64 - (63 - std::countl_zero(starts))) % 3;
    }

    /// The sum so far.
    std::size_t total() const noexcept { return saved_; }

private:
    unsigned phase_ = 0; // length (mod 3) of the run that ends the bits so far
    std::size_t saved_ = 0;
};

} // namespace rerank::tokenizer_detail::estimate
