#include <rerank/token_estimate.hpp>

#include "tokenizer/estimate_tables.hpp"
#include "tokenizer/text_walk.hpp"

#include <algorithm>
#include <cstdint>

namespace rerank {

namespace td = tokenizer_detail;

namespace {

const td::added_token_matcher& qwen3_added_tokens() {
    static const td::added_token_matcher matcher = [] {
        td::added_token_matcher m;
        for (const auto& t : td::qwen3::added_tokens)
            m.add(t.content, t.id);
        return m;
    }();
    return matcher;
}

// The largest number of tokens of a segmentation of `piece` in which no two adjacent
// single-byte tokens form a byte-pair merge and every two-byte token is one.
std::size_t piece_bound(std::string_view piece) {
    const auto* b = reinterpret_cast<const unsigned char*>(piece.data());
    const std::size_t n = piece.size();
    if (n <= 1)
        return n;
    constexpr std::int64_t none = -(std::int64_t{1} << 40);
    // After i bytes: best with a single-byte last token (f1), with a longer one (fm), either
    // (g[i]); g never decreases with i, so a token of 3+ bytes ending at i comes after g[i-3].
    std::int64_t f1 = 1, fm = none; // i = 1
    std::int64_t g3 = none, g2 = 0, g1 = 1;
    for (std::size_t i = 2; i <= n; ++i) {
        const bool merges = td::qwen3::byte_pair_merges_exist(b[i - 2], b[i - 1]);
        const std::int64_t f1_next = std::max(fm + 1, merges ? none : f1 + 1);
        const std::int64_t fm_next = std::max(merges ? g2 + 1 : none, g3 + 1);
        f1 = f1_next;
        fm = fm_next;
        g3 = g2;
        g2 = g1;
        g1 = std::max(f1, fm);
    }
    return static_cast<std::size_t>(g1);
}

} // namespace

std::size_t qwen3_token_upper_bound(std::string_view utf8_text) {
    thread_local std::string repaired;
    std::size_t n = 0;
    td::walk_text(
        qwen3_added_tokens(), true, td::well_formed(utf8_text, repaired),
        [&](std::uint32_t) { ++n; }, [&](std::string_view piece) { n += piece_bound(piece); });
    td::release_if_large(repaired);
    return n;
}

} // namespace rerank
