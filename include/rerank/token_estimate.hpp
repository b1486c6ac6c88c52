// A proven upper bound of the Qwen3 token count that needs no vocabulary: a free pre-check
// before exact counting (a document whose bound is within a limit needs no exact count).
#pragma once

#include <cstddef>
#include <string_view>

namespace rerank {

/// An upper bound of `qwen3_tokenizer::builtin().count(utf8_text)`: never below it, and
/// computed from small static tables only (about 10 KB beyond the Unicode tables), at hundreds
/// of MB/s on ordinary text.
///
/// How: the text is read as the tokenizer reads it (added tokens, NFC, the pre-tokenizer's
/// pieces). Within a piece, BPE stops only when no adjacent pair of tokens can merge, so in the
/// result two neighbouring single-byte tokens never form one of Qwen3's 5,073 byte-pair merges,
/// and every two-byte token is one of those merges. The bound is the largest number of tokens
/// of any segmentation of each piece's bytes that obeys these two rules (a linear-time dynamic
/// programme). It is never above the NFC text's UTF-8 byte count, itself a bound (every token
/// has at least one byte; raw bytes are not a bound, since NFC can lengthen text). On English it
/// is about 3.3 times the exact count, on CJK about 2.
///
/// Invalid UTF-8 is read as the tokenizer reads it (each maximal ill-formed subsequence as
/// U+FFFD), so the bound still holds for it.
std::size_t qwen3_token_upper_bound(std::string_view utf8_text);

} // namespace rerank
