// How the tokenizer reads a text: added tokens found in the raw text, NFC between them, the
// pre-tokenizer pieces of the normalised text. Shared by count, encode and the estimator.
#pragma once

#include "text/utf8.hpp"
#include "tokenizer/added_tokens.hpp"
#include "tokenizer/nfc.hpp"
#include "tokenizer/pretokenizer.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace rerank::tokenizer_detail {

/// Frees a per-thread scratch string that a very large text grew (above 4 MiB).
inline void release_if_large(std::string& scratch) {
    if (scratch.capacity() > (std::size_t{4} << 20))
        std::string().swap(scratch);
}

/// `text` when it is well-formed UTF-8, else its repaired copy in `scratch`.
inline std::string_view well_formed(std::string_view text, std::string& scratch) {
    if (utf8::is_valid(text))
        return text;
    utf8::repair(text, scratch);
    return scratch;
}

/// Calls on_added(id) for each added token and on_piece(piece) for each pre-tokenizer piece of
/// well-formed `text`, in text order.
template <class OnAdded, class OnPiece>
void walk_text(const added_token_matcher& added, bool nfc, std::string_view text,
               OnAdded&& on_added, OnPiece&& on_piece) {
    thread_local std::string nfc_scratch;
    std::size_t pos = 0;
    added_token_matcher::match m{};
    while (pos < text.size()) {
        const bool found = !added.empty() && added.find(text, pos, m);
        const std::size_t segment_end = found ? m.begin : text.size();
        if (segment_end > pos) {
            std::string_view segment = text.substr(pos, segment_end - pos);
            if (nfc)
                segment = nfc_view(segment, nfc_scratch);
            piece_splitter pieces(segment);
            while (!pieces.done())
                on_piece(pieces.next());
        }
        if (!found)
            break;
        on_added(m.id);
        pos = m.end;
    }
    release_if_large(nfc_scratch);
}

} // namespace rerank::tokenizer_detail
