// The token-count estimator straight from its definition, as it was first written: the
// tokenizer's own text walk (repair, added tokens, NFC, piece_splitter; text_walk.hpp) and, per
// piece, a dynamic programme over segmentations. The tests hold the fast estimator
// (token_estimate.cpp) to exactly this value.
#pragma once

#include "tokenizer/estimate_tables.hpp"
#include "tokenizer/text_walk.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace rerank::test {

/// The largest number of tokens of a segmentation of `piece` in which no two adjacent
/// single-byte tokens form a byte-pair merge and every two-byte token is one. `merges(i)` says
/// whether bytes i - 1 and i form a merge (1 <= i < n).
template <class Merges>
std::size_t reference_segmentation_bound(std::size_t n, Merges&& merges) {
    if (n <= 1)
        return n;
    constexpr std::int64_t none = -(std::int64_t{1} << 40);
    // After i bytes: best with a single-byte last token (f1), with a longer one (fm), either
    // (g1 = g[i]); g never decreases, so a token of 3+ bytes ending at i follows g[i - 3].
    std::int64_t f1 = 1, fm = none, g3 = none, g2 = 0, g1 = 1;
    for (std::size_t i = 2; i <= n; ++i) {
        const bool m = merges(i - 1);
        const std::int64_t f1_next = std::max(fm + 1, m ? none : f1 + 1);
        const std::int64_t fm_next = std::max(m ? g2 + 1 : none, g3 + 1);
        f1 = f1_next;
        fm = fm_next;
        g3 = g2;
        g2 = g1;
        g1 = std::max(f1, fm);
    }
    return static_cast<std::size_t>(g1);
}

inline std::size_t reference_piece_bound(std::string_view piece) {
    const auto* b = reinterpret_cast<const unsigned char*>(piece.data());
    return reference_segmentation_bound(piece.size(), [b](std::size_t i) {
        return tokenizer_detail::qwen3::byte_pair_merges_exist(b[i - 1], b[i]);
    });
}

inline std::size_t reference_upper_bound(std::string_view text) {
    namespace td = tokenizer_detail;
    static const td::added_token_matcher added = [] {
        td::added_token_matcher m;
        for (const auto& t : td::qwen3::added_tokens)
            m.add(t.content, t.id);
        return m;
    }();
    std::string repaired;
    std::size_t n = 0;
    td::walk_text(
        added, true, td::well_formed(text, repaired), [&](std::uint32_t) { ++n; },
        [&](std::string_view piece) { n += reference_piece_bound(piece); });
    return n;
}

} // namespace rerank::test
