// The Unicode properties that the Qwen3 pre-tokenizer and NFC need, as compact generated tables
// (generated/unicode_tables.cpp, made by scripts/gen-unicode-tables.mjs), in the versions of the
// reference: categories and White_Space of Unicode 16.0, normalisation data of Unicode 9.0.
#pragma once

#include "tokenizer/generated/unicode_tables_sizes.hpp"

#include <cstdint>

namespace rerank::tokenizer_detail::unicode {

/// The pre-tokenizer's view of a code point: `\p{L}`, `\p{N}`, `\s` (White_Space) or none.
enum class char_class : std::uint8_t { other = 0, letter = 1, number = 2, space = 3 };

// Per-code-point info byte: bits 0-1 the char_class, bit 2 set when the code point is not
// NFC-inert (see is_nfc_inert). Two levels: info_index[cp >> 7] picks a 128-byte block.
extern const RERANK_UNICODE_INFO_INDEX_TYPE info_index[0x110000 >> 7];
extern const std::uint8_t info_blocks[RERANK_UNICODE_INFO_BLOCKS * 128];
// Canonical combining classes of the code points that can appear in NFD text, same layout.
extern const RERANK_UNICODE_CCC_INDEX_TYPE ccc_index[0x110000 >> 7];
extern const std::uint8_t ccc_blocks[RERANK_UNICODE_CCC_BLOCKS * 128];

/// A full canonical decomposition (Hangul syllables excluded: they are algorithmic).
struct decomposition {
    char32_t code_point;
    std::uint16_t offset; // into decomposition_data
    std::uint8_t length;
};
extern const decomposition decompositions[RERANK_UNICODE_DECOMPOSITIONS]; // sorted by code point
extern const char32_t decomposition_data[RERANK_UNICODE_DECOMPOSITION_DATA];

/// A primary composite and its canonical pair (Hangul excluded: algorithmic).
struct composition {
    char32_t first;
    char32_t second;
    char32_t composite;
};
extern const composition compositions[RERANK_UNICODE_COMPOSITIONS]; // sorted by (first, second)

inline constexpr char32_t max_code_point = 0x10FFFF;

inline std::uint8_t info(char32_t cp) noexcept {
    return info_blocks[static_cast<unsigned>(info_index[cp >> 7]) * 128 + (cp & 127)];
}

inline char_class class_of(char32_t cp) noexcept {
    return static_cast<char_class>(info(cp) & 3);
}

/// True when the code point is unchanged by NFC whatever surrounds it and nothing before it can
/// combine with it or move past it: combining class 0 and NFC_Quick_Check=Yes. Text made only of
/// such code points is already NFC, and NFC never changes text across one of them.
inline bool is_nfc_inert(char32_t cp) noexcept {
    return (info(cp) & 4) == 0;
}

inline std::uint8_t combining_class(char32_t cp) noexcept {
    return ccc_blocks[static_cast<unsigned>(ccc_index[cp >> 7]) * 128 + (cp & 127)];
}

} // namespace rerank::tokenizer_detail::unicode
