#include "codec/utf8.hpp"

#include "codec/utf8_simd.hpp"

#include <cstdint>
#include <cstring>

namespace rerank::detail {
namespace {

constexpr std::uint64_t high_bits = 0x8080808080808080ull;

// Whether the 16 bytes at `p` are all ASCII. Two unaligned 8-byte loads: memcpy compiles to plain
// moves, and OR-ing the halves costs one test for both.
inline bool all_ascii_16(const unsigned char* p) noexcept {
    std::uint64_t a;
    std::uint64_t b;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + 8, 8);
    return ((a | b) & high_bits) == 0;
}

inline bool in_range(unsigned char c, unsigned char lo, unsigned char hi) noexcept {
    return c >= lo && c <= hi;
}

} // namespace

std::size_t utf8_sequence_length(const unsigned char* p, const unsigned char* end) noexcept {
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

std::size_t find_invalid_utf8(std::string_view text) noexcept {
    // Valid text is the rule: the vectorised check says so at ~0.1 ns a byte (CJK included,
    // where the scalar loop needs ~0.6); only invalid text pays for the scalar pass that finds
    // the offset. Short strings are not worth the set-up.
    if (text.size() >= 32 && utf8_avx2_available() && is_valid_utf8_avx2(text))
        return std::string_view::npos;
    return find_invalid_utf8_scalar(text);
}

std::size_t find_invalid_utf8_scalar(std::string_view text) noexcept {
    const auto* const begin = reinterpret_cast<const unsigned char*>(text.data());
    const auto* const end = begin + text.size();
    const auto* p = begin;
    while (p != end) {
        if (end - p >= 16 && all_ascii_16(p)) {
            p += 16;
            continue;
        }
        // Check sequence by sequence up to the end of this 16-byte block before trying the fast
        // path again: text that is mostly non-ASCII (CJK) would otherwise pay a failed block test
        // per character. A sequence may end a few bytes past the block; that is fine.
        const auto* const block_end = end - p >= 16 ? p + 16 : end;
        while (p < block_end) {
            if (*p < 0x80) {
                ++p;
                continue;
            }
            const std::size_t n = utf8_sequence_length(p, end);
            if (n == 0)
                return static_cast<std::size_t>(p - begin);
            p += n;
        }
    }
    return std::string_view::npos;
}

} // namespace rerank::detail
