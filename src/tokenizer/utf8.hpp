// UTF-8 decoding for the tokenizer: a fast decoder for well-formed text, and the repair of
// ill-formed input into well-formed text (each maximal ill-formed subpart becomes U+FFFD, as
// Rust's String::from_utf8_lossy and Python's decode(errors="replace") do).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace rerank::tokenizer_detail::utf8 {

/// Advances `p` past ASCII bytes, to the first byte >= 0x80 or `end`: 32 bytes per test while
/// the text stays ASCII (one branch for four words), then eight at a time, then bytes.
inline void skip_ascii(const unsigned char*& p, const unsigned char* end) noexcept {
    constexpr std::uint64_t high = 0x8080808080808080ull;
    while (end - p >= 32) {
        std::uint64_t w[4];
        std::memcpy(w, p, 32);
        if ((w[0] | w[1] | w[2] | w[3]) & high)
            break;
        p += 32;
    }
    while (end - p >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, 8);
        if (word & high)
            break;
        p += 8;
    }
    while (p < end && *p < 0x80)
        ++p;
}

/// Decodes the code point at `p` from WELL-FORMED UTF-8 and advances `p` past it.
inline char32_t decode(const unsigned char*& p) noexcept {
    const unsigned b0 = p[0];
    if (b0 < 0x80) {
        ++p;
        return b0;
    }
    if (b0 < 0xE0) {
        const char32_t cp = ((b0 & 0x1Fu) << 6) | (p[1] & 0x3Fu);
        p += 2;
        return cp;
    }
    if (b0 < 0xF0) {
        const char32_t cp = ((b0 & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        p += 3;
        return cp;
    }
    const char32_t cp =
        ((b0 & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
    p += 4;
    return cp;
}

/// Byte length of the well-formed sequence whose lead byte is `b0`.
inline std::size_t sequence_length(unsigned char b0) noexcept {
    return b0 < 0x80 ? 1 : b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4;
}

/// True for a byte that starts a code point (not a continuation byte).
inline bool is_lead(unsigned char b) noexcept {
    return (b & 0xC0) != 0x80;
}

/// Appends the UTF-8 encoding of a Unicode scalar value.
void append(std::string& out, char32_t cp);

/// Length of the longest well-formed prefix of `text` (the whole of it when well-formed).
std::size_t well_formed_prefix(std::string_view text) noexcept;

/// Where a repaired text and its original line up again after a replaced subpart.
struct repair_point {
    std::size_t repaired_end; // offset in the repaired text just after the U+FFFD
    std::size_t original_end; // offset in the original just after the ill-formed subpart
};

/// Replaces each maximal ill-formed subpart of `text` with U+FFFD, writing the result to `out`
/// (overwritten). When `points` is given it receives one entry per replacement.
void repair(std::string_view text, std::string& out, std::vector<repair_point>* points = nullptr);

/// Maps an offset of the repaired text (at a code point boundary) back to the original.
std::size_t original_offset(const std::vector<repair_point>& points, std::size_t repaired) noexcept;

} // namespace rerank::tokenizer_detail::utf8
