// Unicode Normalization Form C (UAX #15) on well-formed UTF-8, with a quick check so that text
// that is already NFC (all ASCII, most of any real text) costs one scan and no copy. The data is
// Unicode 9.0's, as in Hugging Face tokenizers (see unicode_tables.hpp).
//
// Text is cut into chunks at NFC-inert code points (combining class 0, NFC_Quick_Check=Yes):
// NFC never acts across such a code point, so each chunk that holds a non-inert code point is
// normalised on its own (canonical decomposition, canonical ordering, canonical composition with
// the composition exclusions, Hangul algorithmically) and everything else is copied.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rerank::tokenizer_detail {

/// Offset of the first code point of well-formed `text` that is not NFC-inert, or text.size().
/// When it returns text.size(), `text` is NFC.
std::size_t find_non_inert(std::string_view text) noexcept;

/// A stretch where the normalised text differs from its source: [output_begin, output_end) of
/// the output came from [input_begin, input_end) of the input. Offsets strictly inside such a
/// stretch have no counterpart on the other side; outside them the two texts match byte for byte.
struct nfc_rewrite {
    std::size_t input_begin, input_end;
    std::size_t output_begin, output_end;
};

/// Appends NFC(text) to `out` (text well-formed UTF-8). When `rewrites` is given, one entry is
/// appended per normalised chunk, with offsets relative to `text` and to out's size on entry.
void append_nfc(std::string_view text, std::string& out,
                std::vector<nfc_rewrite>* rewrites = nullptr);

/// NFC(text): `text` itself when it is already NFC, otherwise the normalised copy in `scratch`.
inline std::string_view nfc_view(std::string_view text, std::string& scratch) {
    const std::size_t first = find_non_inert(text);
    if (first == text.size())
        return text;
    scratch.clear();
    append_nfc(text, scratch);
    return scratch;
}

} // namespace rerank::tokenizer_detail
