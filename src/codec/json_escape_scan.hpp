// Finding the bytes a JSON string cannot hold as they are: the one loop both the writer (what
// to escape) and the reader (where a string ends) spend their time in, so it is inline.
#pragma once

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rerank::detail {

/// Whether byte `c` must be escaped in a JSON string: `"`, `\`, or a control character < 0x20.
constexpr bool is_json_special(unsigned char c) noexcept {
    return c < 0x20 || c == '"' || c == '\\';
}

/// The first byte in [first, last) for which `is_json_special` holds, or `last`; 8 bytes per
/// step with SWAR bit tricks (Anderson's "bit twiddling hacks": has_zero(v) is non-zero iff a
/// byte of v is 0, has_less(v, n) iff a byte is below n, exact for n <= 128). The portable
/// fallback, kept callable so tests cover it on every machine.
inline const char* find_json_special_portable(const char* first, const char* last) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ull;
    constexpr std::uint64_t highs = 0x8080808080808080ull;
    while (last - first >= 8) {
        std::uint64_t w;
        std::memcpy(&w, first, 8);
        const std::uint64_t quote = w ^ (ones * '"');
        const std::uint64_t backslash = w ^ (ones * '\\');
        const std::uint64_t hit = ((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) |
                                  ((backslash - ones) & ~backslash);
        if ((hit & highs) != 0)
            break;
        first += 8;
    }
    while (first != last && !is_json_special(static_cast<unsigned char>(*first)))
        ++first;
    return first;
}

/// The same, 16 bytes per step with SSE2 where the target has it (every x86-64).
inline const char* find_json_special(const char* first, const char* last) noexcept {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i max_control = _mm_set1_epi8(0x1F);
    while (last - first >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(first));
        // min(v, 0x1F) == v exactly for the (unsigned) bytes <= 0x1F.
        const __m128i hit =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                         _mm_cmpeq_epi8(_mm_min_epu8(v, max_control), v));
        const int mask = _mm_movemask_epi8(hit);
        if (mask != 0)
            return first + __builtin_ctz(static_cast<unsigned>(mask));
        first += 16;
    }
    while (first != last && !is_json_special(static_cast<unsigned char>(*first)))
        ++first;
    return first;
#else
    return find_json_special_portable(first, last);
#endif
}

} // namespace rerank::detail
