// qwen3_tokenizer::prefix_bytes: the longest prefix within a token budget.
//
// The text is walked as count() walks it, keeping the offsets needed to map positions of the
// normalised text back to the original. At the first piece that does not fit, the cut goes
// after as many of its BPE tokens as fit: BPE of a prefix made of the first s tokens of a piece
// gives back exactly those s tokens (the merges inside it happen in the same order), and the
// pieces before it are not changed by the cut. A cut can only fall where the original text and
// the normalised one line up (outside NFC-rewritten stretches) and at a code point boundary, so
// a candidate may need to move back; every candidate is verified with count() on the original
// prefix before it is returned.
#include <rerank/qwen3_tokenizer.hpp>

#include "text/utf8.hpp"
#include "tokenizer/nfc.hpp"
#include "tokenizer/pretokenizer.hpp"
#include "tokenizer/text_walk.hpp"
#include "tokenizer/tokenizer_model.hpp"

#include <algorithm>
#include <optional>

namespace rerank {

namespace td = tokenizer_detail;

namespace {

// Maps offsets of one normalised segment back to the original text.
struct offset_map {
    const std::vector<td::nfc_rewrite>* rewrites; // of the segment; empty when NFC kept it
    std::size_t segment_base;                     // offset of the segment in the repaired text
    const std::vector<utf8::repair_point>* repairs;

    // The original offset of normalised offset x, if x is a position where both texts line up.
    std::optional<std::size_t> original(std::size_t x) const {
        std::size_t in = x;
        const auto it = std::upper_bound(
            rewrites->begin(), rewrites->end(), x,
            [](std::size_t v, const td::nfc_rewrite& r) { return v < r.output_end; });
        // `it` is the first rewrite ending after x: x is inside it unless at or before its start.
        if (it != rewrites->end() && x > it->output_begin)
            return std::nullopt;
        if (it != rewrites->end() && x == it->output_begin) {
            in = it->input_begin;
        } else if (it != rewrites->begin()) {
            const td::nfc_rewrite& r = *(it - 1);
            in = r.input_end + (x - r.output_end);
        }
        return utf8::original_offset(*repairs, segment_base + in);
    }

    // The largest aligned code point boundary <= x of the normalised text `norm`.
    std::size_t floor_aligned(std::string_view norm, std::size_t x) const {
        for (;;) {
            while (x > 0 && x < norm.size() && !utf8::is_lead(static_cast<unsigned char>(norm[x])))
                --x;
            const auto it = std::upper_bound(
                rewrites->begin(), rewrites->end(), x,
                [](std::size_t v, const td::nfc_rewrite& r) { return v < r.output_end; });
            if (it == rewrites->end() || x <= it->output_begin)
                return x;
            x = it->output_begin;
        }
    }
};

// Tokens of `text` (a stretch of normalised text starting at a piece boundary).
std::size_t count_pieces(const td::merge_table& merges, std::string_view text) {
    std::size_t n = 0;
    td::piece_splitter pieces(text);
    while (!pieces.done())
        n += td::bpe_count(merges, pieces.next());
    return n;
}

} // namespace

std::size_t qwen3_tokenizer::prefix_bytes(std::string_view utf8_text,
                                          std::size_t max_tokens) const {
    const td::tokenizer_model& m = *model_;
    thread_local std::string repaired_store;
    thread_local std::vector<utf8::repair_point> repairs;
    repairs.clear();
    std::string_view text = utf8_text;
    if (!utf8::is_valid(text)) {
        utf8::repair(text, repaired_store, &repairs);
        text = repaired_store;
    }

    // Candidates, best first; each is verified on the original text.
    // Per-thread buffers, reused across calls (count() below uses its own).
    thread_local std::vector<std::size_t> candidates;
    thread_local std::string norm_store;
    thread_local std::vector<td::nfc_rewrite> rewrites;
    thread_local std::vector<std::size_t> piece_starts; // aligned starts of the segment's pieces
    thread_local std::vector<std::uint32_t> starts;     // token starts of the piece that overflows
    candidates.clear();
    std::size_t total = 0;
    std::size_t pos = 0;
    td::added_token_matcher::match match{};
    while (pos < text.size() && candidates.empty()) {
        const bool found = !m.added.empty() && m.added.find(text, pos, match);
        const std::size_t segment_end = found ? match.begin : text.size();
        const std::string_view segment = text.substr(pos, segment_end - pos);
        std::string_view norm = segment;
        rewrites.clear();
        if (m.nfc && td::find_non_inert(segment) != segment.size()) {
            norm_store.clear();
            td::append_nfc(segment, norm_store, &rewrites);
            norm = norm_store;
        }
        const offset_map map{&rewrites, pos, &repairs};
        td::piece_splitter pieces(norm);
        piece_starts.clear();
        while (!pieces.done()) {
            const std::size_t start = pieces.offset();
            const std::string_view piece = pieces.next();
            if (piece_starts.size() == 64) // only the last 16 can be fallback candidates
                piece_starts.erase(piece_starts.begin(), piece_starts.begin() + 48);
            piece_starts.push_back(map.floor_aligned(norm, start));
            const std::size_t c = td::bpe_count(m.merges, piece);
            if (total + c <= max_tokens) {
                total += c;
                continue;
            }
            // The first piece that does not fit: as many of its tokens as fit.
            const std::size_t budget = max_tokens - total;
            const td::bpe_tokens tokens = td::bpe_encode(m.merges, piece);
            starts.assign(tokens.starts.begin(), tokens.starts.end()); // BPE scratch is reused
            const auto fits = [&](std::size_t cut) {
                return total + count_pieces(m.merges, norm.substr(start, cut - start)) <=
                       max_tokens;
            };
            // The prefix ending where token `budget` would end holds budget + 1 tokens.
            const std::size_t over =
                start + (budget + 1 < starts.size() ? starts[budget + 1] : piece.size());
            for (std::size_t s = std::min(budget, starts.size() - 1) + 1; s-- > 0;) {
                std::size_t cut = map.floor_aligned(norm, start + starts[s]);
                if (cut <= start)
                    break;
                if (!fits(cut))
                    continue;
                // BPE is not monotonic: part of the next token may still fit (a prefix of a
                // token can be a single token). Try the code points up to `over`, in short
                // pieces only.
                if (over - cut <= 64 && piece.size() <= 4096) {
                    for (std::size_t x = cut + 1; x < over; ++x)
                        if (map.floor_aligned(norm, x) == x && fits(x))
                            cut = x;
                }
                if (const auto at = map.original(cut)) {
                    candidates.push_back(*at);
                    break;
                }
            }
            // Then whole pieces only, from this one backwards.
            for (std::size_t i = piece_starts.size(); i-- > 0 && candidates.size() < 16;)
                if (const auto at = map.original(piece_starts[i]))
                    candidates.push_back(*at);
            break;
        }
        if (!candidates.empty())
            break;
        if (!found)
            break;
        if (total + 1 > max_tokens) {
            candidates.push_back(utf8::original_offset(repairs, match.begin));
            break;
        }
        ++total;
        pos = match.end;
    }
    if (candidates.empty())
        return utf8_text.size(); // everything fits

    td::release_if_large(repaired_store);
    td::release_if_large(norm_store);
    for (const std::size_t at : candidates)
        if (count(utf8_text.substr(0, at)) <= max_tokens)
            return at;
    return 0;
}

} // namespace rerank
