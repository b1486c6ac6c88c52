// The library's one UTF-8 implementation, below the parts that read text: strict validation of
// request text (codec), decoding of well-formed text, and the repair of ill-formed input
// (tokenizer). Strict everywhere per Unicode §3.9 (table 3-7): no overlong forms, no surrogates
// (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace rerank::utf8 {

// Checking ------------------------------------------------------------------------------------

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

/// Length (1 to 4) of the well-formed sequence starting at `p`, or 0 when the bytes in
/// [p, end) do not start one. `p` must be before `end`.
inline std::size_t sequence_length(const unsigned char* p, const unsigned char* end) noexcept {
    const auto in_range = [](unsigned char c, unsigned char lo, unsigned char hi) {
        return c >= lo && c <= hi;
    };
    const unsigned char lead = p[0];
    const auto available = static_cast<std::size_t>(end - p);
    if (lead < 0x80)
        return 1;
    if (lead < 0xC2) // a stray continuation byte, or C0/C1 (always overlong)
        return 0;
    if (lead < 0xE0)
        return available >= 2 && in_range(p[1], 0x80, 0xBF) ? 2 : 0;
    if (lead < 0xF0) {
        // E0 needs A0..BF (else overlong); ED needs 80..9F (else a surrogate).
        const unsigned char lo = lead == 0xE0 ? 0xA0 : 0x80;
        const unsigned char hi = lead == 0xED ? 0x9F : 0xBF;
        return available >= 3 && in_range(p[1], lo, hi) && in_range(p[2], 0x80, 0xBF) ? 3 : 0;
    }
    if (lead < 0xF5) {
        // F0 needs 90..BF (else overlong); F4 needs 80..8F (else above U+10FFFF).
        const unsigned char lo = lead == 0xF0 ? 0x90 : 0x80;
        const unsigned char hi = lead == 0xF4 ? 0x8F : 0xBF;
        return available >= 4 && in_range(p[1], lo, hi) && in_range(p[2], 0x80, 0xBF) &&
                       in_range(p[3], 0x80, 0xBF)
                   ? 4
                   : 0;
    }
    return 0; // F5..FF never appear in UTF-8
}

/// Length (1 to 3) of the maximal ill-formed subpart at `p`, where `sequence_length(p, end)` is
/// 0: the lead byte and the bytes after it that could still have continued a well-formed
/// sequence. Each such subpart becomes one U+FFFD in `repair` (Unicode §3.9, "U+FFFD
/// Substitution of Maximal Subparts").
std::size_t ill_formed_length(const unsigned char* p, const unsigned char* end) noexcept;

/// Offset of the first byte of the first ill-formed sequence in `text`, or `std::string_view::npos`
/// when all of `text` is well-formed UTF-8. The offset names the lead byte of the bad sequence
/// (or the stray continuation byte), so messages can point at it. 32 bytes per step with AVX2
/// where the CPU has it (checked at run time), else sequence by sequence with ASCII runs 16 bytes
/// at a time.
std::size_t find_invalid(std::string_view text) noexcept;

/// Whether all of `text` is well-formed UTF-8 (see `find_invalid`).
inline bool is_valid(std::string_view text) noexcept {
    return find_invalid(text) == std::string_view::npos;
}

// Decoding well-formed text -------------------------------------------------------------------

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

/// Length (2 to 4) of the well-formed sequence at `p` (a lead byte >= 0x80, before `end`) and
/// its code point in `cp`; 0 when ill-formed (`cp` is then unspecified). The same rules as
/// `sequence_length`, checked on the decoded value instead of byte ranges: fused with the decode,
/// this is what the token estimator's loop needs, and there it is about 3% faster on CJK text
/// than `sequence_length` followed by `decode`.
inline int decode_multibyte(const unsigned char* p, const unsigned char* end,
                            char32_t& cp) noexcept {
    const auto avail = end - p;
    const unsigned b0 = p[0];
    if (b0 < 0xE0) {
        if (b0 < 0xC2 || avail < 2 || (p[1] ^ 0x80u) >= 0x40)
            return 0;
        cp = ((b0 & 0x1Fu) << 6) | (p[1] ^ 0x80u);
        return 2;
    }
    if (b0 < 0xF0) {
        if (avail < 3 || ((p[1] ^ 0x80u) | (p[2] ^ 0x80u)) >= 0x40)
            return 0;
        cp = ((b0 & 0x0Fu) << 12) | ((p[1] ^ 0x80u) << 6) | (p[2] ^ 0x80u);
        return cp >= 0x800 && cp - 0xD800 >= 0x800 ? 3 : 0; // not overlong, no surrogate
    }
    if (b0 > 0xF4 || avail < 4 || ((p[1] ^ 0x80u) | (p[2] ^ 0x80u) | (p[3] ^ 0x80u)) >= 0x40)
        return 0;
    cp = ((b0 & 0x07u) << 18) | ((p[1] ^ 0x80u) << 12) | ((p[2] ^ 0x80u) << 6) | (p[3] ^ 0x80u);
    return cp >= 0x10000 && cp <= 0x10FFFF ? 4 : 0;
}

/// True for a byte that starts a code point (not a continuation byte).
inline bool is_lead(unsigned char b) noexcept {
    return (b & 0xC0) != 0x80;
}

/// The largest position <= `pos` (and <= text.size()) that starts a code point or is the end of
/// the text: where `text` can be cut without splitting a character.
inline std::size_t floor_boundary(std::string_view text, std::size_t pos) noexcept {
    pos = pos < text.size() ? pos : text.size();
    while (pos > 0 && pos < text.size() && !is_lead(static_cast<unsigned char>(text[pos])))
        --pos;
    return pos;
}

/// Appends the UTF-8 encoding of a Unicode scalar value.
void append(std::string& out, char32_t cp);

// Repairing ill-formed text -------------------------------------------------------------------

/// Where a repaired text and its original line up again after a replaced subpart.
struct repair_point {
    std::size_t repaired_end; // offset in the repaired text just after the U+FFFD
    std::size_t original_end; // offset in the original just after the ill-formed subpart
};

/// Replaces each maximal ill-formed subpart of `text` with U+FFFD, writing the result to `out`
/// (overwritten), as Rust's String::from_utf8_lossy and Python's decode(errors="replace") do.
/// When `points` is given it receives one entry per replacement.
void repair(std::string_view text, std::string& out, std::vector<repair_point>* points = nullptr);

/// Maps an offset of the repaired text (at a code point boundary) back to the original.
std::size_t original_offset(const std::vector<repair_point>& points, std::size_t repaired) noexcept;

} // namespace rerank::utf8
