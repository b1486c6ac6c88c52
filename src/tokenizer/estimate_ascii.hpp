// ASCII byte classes of the split regex for the token-count estimator, and runs of them skipped
// 16 bytes at a time (SSE2 where the target has it, one byte at a time elsewhere). Finding where
// a word ends by compare-and-count instead of a loop that branches on every byte removes the
// mispredicted loop exit that otherwise costs more than the word itself.
#pragma once

#include <bit>
#include <cstdint>

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define RERANK_ESTIMATE_SSE2 1
#endif

namespace rerank::tokenizer_detail::estimate {

/// What the split regex sees in an ASCII byte. `space` is U+0020 alone (the ' ?' of
/// ` ?[^\s\p{L}\p{N}]+`); `blank` the other White_Space bytes except \r and \n (\t \v \f);
/// `quote` the apostrophe of the contractions; `other` the rest of [^\s\p{L}\p{N}] (punctuation,
/// controls). Bytes >= 0x80 are `high`: the code point must be decoded.
enum class ascii_kind : std::uint8_t { letter, digit, space, blank, newline, quote, other, high };

inline ascii_kind kind_of(unsigned char b) noexcept {
    static constexpr auto table = [] {
        struct t {
            ascii_kind v[256];
        } r{};
        for (int i = 0; i < 256; ++i)
            r.v[i] = i < 128 ? ascii_kind::other : ascii_kind::high;
        for (int i = 'a'; i <= 'z'; ++i)
            r.v[i] = r.v[i - 32] = ascii_kind::letter;
        for (int i = '0'; i <= '9'; ++i)
            r.v[i] = ascii_kind::digit;
        const auto set = [&r](char c, ascii_kind k) { r.v[static_cast<unsigned char>(c)] = k; };
        set(' ', ascii_kind::space);
        for (const char c : {'\t', '\v', '\f'})
            set(c, ascii_kind::blank);
        set('\r', ascii_kind::newline);
        set('\n', ascii_kind::newline);
        set('\'', ascii_kind::quote);
        return r;
    }();
    return table.v[b];
}

inline bool is_letter(unsigned char b) noexcept {
    return kind_of(b) == ascii_kind::letter;
}
inline bool is_other(unsigned char b) noexcept {
    const ascii_kind k = kind_of(b);
    return k == ascii_kind::other || k == ascii_kind::quote;
}
inline bool is_white(unsigned char b) noexcept {
    const ascii_kind k = kind_of(b);
    return k == ascii_kind::space || k == ascii_kind::blank || k == ascii_kind::newline;
}

namespace detail {

inline unsigned lowest_bit(unsigned m) noexcept {
    return static_cast<unsigned>(std::countr_zero(m));
}
inline unsigned highest_bit(unsigned m) noexcept {
    return 31u - static_cast<unsigned>(std::countl_zero(m));
}

#ifdef RERANK_ESTIMATE_SSE2
// Bit i set when byte i of the 16 at p is in the class (signed compares on shifted bytes make
// the unsigned range tests; bytes >= 0x80 are in none of these classes).
inline unsigned letter_mask(__m128i v) noexcept {
    const __m128i folded = _mm_add_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)),
                                        _mm_set1_epi8(static_cast<char>(0x80 - 'a')));
    return static_cast<unsigned>(
        _mm_movemask_epi8(_mm_cmplt_epi8(folded, _mm_set1_epi8(static_cast<char>(-128 + 26)))));
}
inline unsigned digit_mask(__m128i v) noexcept {
    const __m128i s = _mm_add_epi8(v, _mm_set1_epi8(static_cast<char>(0x80 - '0')));
    return static_cast<unsigned>(
        _mm_movemask_epi8(_mm_cmplt_epi8(s, _mm_set1_epi8(static_cast<char>(-128 + 10)))));
}
inline unsigned white_mask(__m128i v) noexcept {
    const __m128i s = _mm_add_epi8(v, _mm_set1_epi8(static_cast<char>(0x80 - '\t')));
    const __m128i controls = _mm_cmplt_epi8(s, _mm_set1_epi8(static_cast<char>(-128 + 5)));
    return static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(controls, _mm_cmpeq_epi8(v, _mm_set1_epi8(' ')))));
}
inline unsigned newline_mask(__m128i v) noexcept {
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(
        _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')))));
}
inline __m128i load16(const unsigned char* p) noexcept {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}
#endif

} // namespace detail

/// The first byte at or after `p` that is not an ASCII letter (or `end`).
inline const unsigned char* skip_letters(const unsigned char* p,
                                         const unsigned char* end) noexcept {
#ifdef RERANK_ESTIMATE_SSE2
    while (end - p >= 16) {
        const unsigned m = detail::letter_mask(detail::load16(p));
        if (m != 0xFFFF)
            return p + detail::lowest_bit(~m);
        p += 16;
    }
#endif
    while (p < end && is_letter(*p))
        ++p;
    return p;
}

/// The first byte at or after `p` that is not an ASCII digit (or `end`).
inline const unsigned char* skip_digits(const unsigned char* p, const unsigned char* end) noexcept {
#ifdef RERANK_ESTIMATE_SSE2
    while (end - p >= 16) {
        const unsigned m = detail::digit_mask(detail::load16(p));
        if (m != 0xFFFF)
            return p + detail::lowest_bit(~m);
        p += 16;
    }
#endif
    while (p < end && kind_of(*p) == ascii_kind::digit)
        ++p;
    return p;
}

/// The first byte at or after `p` that is not ASCII [^\s\p{L}\p{N}] (or `end`).
inline const unsigned char* skip_others(const unsigned char* p, const unsigned char* end) noexcept {
#ifdef RERANK_ESTIMATE_SSE2
    while (end - p >= 16) {
        const __m128i v = detail::load16(p);
        const unsigned not_other = detail::letter_mask(v) | detail::digit_mask(v) |
                                   detail::white_mask(v) |
                                   static_cast<unsigned>(_mm_movemask_epi8(v));
        if (not_other != 0)
            return p + detail::lowest_bit(not_other);
        p += 16;
    }
#endif
    while (p < end && is_other(*p))
        ++p;
    return p;
}

/// The first byte at or after `p` that is not ASCII White_Space (or `end`); `last_newline` is
/// set just past the last \r or \n of the run, when it has one (else left as it was).
inline const unsigned char* skip_white(const unsigned char* p, const unsigned char* end,
                                       const unsigned char*& last_newline) noexcept {
#ifdef RERANK_ESTIMATE_SSE2
    while (end - p >= 16) {
        const __m128i v = detail::load16(p);
        const unsigned white = detail::white_mask(v);
        const unsigned run = ~white & (white + 1); // lowest non-white bit (bit 16 if none)
        const unsigned newlines = detail::newline_mask(v) & (run - 1);
        if (newlines != 0)
            last_newline = p + detail::highest_bit(newlines) + 1;
        if (white != 0xFFFF)
            return p + detail::lowest_bit(run);
        p += 16;
    }
#endif
    for (; p < end && is_white(*p); ++p)
        if (*p == '\n' || *p == '\r')
            last_newline = p + 1;
    return p;
}

} // namespace rerank::tokenizer_detail::estimate
