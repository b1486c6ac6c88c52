// The pre-tokenizer's pieces for the token-count estimator: the same pieces as piece_splitter
// (pretokenizer.hpp), found faster, and checked on the way.
//
// Same pieces: next() takes the regex's alternatives in the same order with the same greedy
// runs and the same backtracking of \s+(?!\S); it dispatches on the first byte, skips runs of
// ASCII letters, digits, punctuation and white space 16 bytes at a time (estimate_ascii.hpp)
// and runs of two- and three-byte letters with few tests.
// test/tokenizer/estimate_pieces_test.cpp compares the two on the corpus and generated text.
//
// Checked: the tokenizer reads ill-formed UTF-8 as U+FFFD and normalises to NFC first, and
// both can change the pieces. Every code point of the text is decoded while it is matched
// (every piece is a run of code points that next() has looked at), so the scanner validates
// each sequence as it decodes it and, with CheckNfc, looks at the NFC-inert bit that comes with
// the code point's class, and at the few code points that are not inert asks nfc_keeps
// (estimate_nfc.hpp). When it sees an ill-formed sequence or (with CheckNfc) a code point that
// NFC may change, bad() becomes true: the pieces are then not to be used (the caller repairs
// and normalises the text and scans the result). A text with neither is well-formed and its
// own NFC, so its pieces are the tokenizer's.
#pragma once

#include "text/utf8.hpp"
#include "tokenizer/estimate_ascii.hpp"
#include "tokenizer/estimate_nfc.hpp"
#include "tokenizer/unicode_tables.hpp"

#include <bit>
#include <cstddef>

#if defined(__GNUC__)
#define RERANK_ESTIMATE_COLD [[gnu::cold, gnu::noinline]]
#else
#define RERANK_ESTIMATE_COLD
#endif

namespace rerank::tokenizer_detail::estimate {

template <bool CheckNfc>
class piece_scanner {
public:
    /// Scans the text [begin, end) (pieces never look past either end).
    piece_scanner(const unsigned char* begin, const unsigned char* end) noexcept
        : begin_(begin)
        , end_(end) {}

    /// True once an ill-formed sequence or (CheckNfc) a code point that NFC may change was seen.
    bool bad() const noexcept { return bad_; }

    /// The end of the run of ASCII digits at `p`, each digit a piece of its own (\p{N}), or null
    /// when `p` is not an ASCII digit.
    const unsigned char* digits(const unsigned char* p) const noexcept {
        if (kind_of(*p) != ascii_kind::digit)
            return nullptr;
        return skip_digits(p + 1, end_);
    }

    /// The end of the piece that starts at `p` (p < end).
    const unsigned char* next(const unsigned char* p) noexcept {
        // Tests before the switch for the commonest first bytes: conditional branches predict
        // the alternation of words and punctuation better than one indirect jump does.
        const ascii_kind kind = kind_of(*p);
        if (kind == ascii_kind::letter) {
            if (const unsigned char* e = short_word(p, 1))
                return e;
            return letter_run(p + 1);
        }
        if (kind == ascii_kind::space)
            return after_space(p);
        if (kind == ascii_kind::high)
            return after_high(p);
        switch (kind) {
        case ascii_kind::letter:
        case ascii_kind::space:
        case ascii_kind::high:
            break; // taken above
        case ascii_kind::digit:
            return p + 1; // \p{N}
        case ascii_kind::newline:
            return white_run(p); // [^\r\n...]? excludes it; not [^\s...]
        case ascii_kind::quote:
            if (const unsigned char* e = contraction(p + 1))
                return e;
            return after_other(p + 1);
        case ascii_kind::other:
            return after_other(p + 1);
        case ascii_kind::blank:
            return after_blank(p, p + 1);
        }
        return p + 1; // unreachable: every kind is handled above
    }

private:
    using cls = unicode::char_class;

    struct code_point {
        cls kind;
        const unsigned char* next;
    };

    // The piece at p, whose first byte is >= 0x80.
    const unsigned char* after_high(const unsigned char* p) noexcept {
        if (const unsigned char* e = skip_wide_letters(p); e != p)
            return letter_run(e);
        const code_point c = decode(p);
        switch (c.kind) {
        case cls::letter:
            return letter_run(c.next);
        case cls::number:
            return c.next;
        case cls::other:
            return after_other(c.next);
        case cls::space:
            break;
        }
        return after_blank(p, c.next);
    }

    // The commonest pieces, "word" and " word" in ASCII shorter than 16 bytes, from one 16-byte
    // load: the piece at p is \p{L}+ or [^\r\n\p{L}\p{N}]?\p{L}+ and its first `known` bytes
    // are known (a letter, or a space and a letter); it ends at the first byte that is not an
    // ASCII letter, when that byte is ASCII (a byte >= 0x80 may start a letter: null then).
    const unsigned char* short_word(const unsigned char* p, unsigned known) const noexcept {
#ifdef RERANK_ESTIMATE_SSE2
        if (end_ - p < 16)
            return nullptr;
        const unsigned letters = detail::letter_mask(detail::load16(p));
        const auto e = static_cast<unsigned>(
            std::countr_zero((~letters & (0xFFFFu << known) & 0xFFFFu) | 0x10000u));
        if ((static_cast<unsigned>(e < 16) & static_cast<unsigned>(p[e & 15] < 0x80)) != 0)
            return p + e;
#else
        (void)p;
        (void)known;
#endif
        return nullptr;
    }

    static bool continuation(unsigned char b) noexcept {
        return (b & 0xC0) == 0x80;
    }

    // The code point at p (*p >= 0x80). An ill-formed sequence reads as one byte of class
    // `other` and sets bad_; so does (CheckNfc) a code point that may make NFC differ.
    code_point decode(const unsigned char* p) noexcept {
        char32_t cp = 0;
        const int len = utf8::decode_multibyte(p, end_, cp);
        if (len == 0) {
            bad_ = true;
            return {cls::other, p + 1};
        }
        const std::uint8_t info = unicode::info(cp);
        if (CheckNfc && (info & 4) != 0 && !nfc_keeps_at(p, cp)) // 4: not NFC-inert
            bad_ = true;
        return {static_cast<cls>(info & 3), p + len};
    }

    // True when NFC keeps the code point cp at p, given the code point before it (the caller
    // has found it not NFC-inert; estimate_nfc.hpp). The code points before it are checked
    // when they are decoded: every code point of the text is.
    RERANK_ESTIMATE_COLD bool nfc_keeps_at(const unsigned char* p, char32_t cp) const {
        char32_t before = 0;
        if (p != begin_) {
            const unsigned char* q = p - 1;
            while (q > begin_ && continuation(*q) && p - q < 4)
                --q;
            if (*q < 0x80)
                before = *q;
            else if (utf8::decode_multibyte(q, p, before) != p - q)
                return false;
        }
        return nfc_keeps(before, cp);
    }

    // The class of the code point at p < end_ (ASCII without decoding).
    code_point peek(const unsigned char* p) noexcept {
        if (*p >= 0x80)
            return decode(p);
        return {unicode_class(kind_of(*p)), p + 1}; // a table lookup: no jump on the kind
    }

    static cls unicode_class(ascii_kind k) noexcept {
        static constexpr cls of[] = {cls::letter, cls::number, cls::space, cls::space,
                                     cls::space,  cls::other,  cls::other, cls::other};
        static_assert(
            static_cast<int>(ascii_kind::letter) == 0 && static_cast<int>(ascii_kind::digit) == 1 &&
            static_cast<int>(ascii_kind::space) == 2 && static_cast<int>(ascii_kind::blank) == 3 &&
            static_cast<int>(ascii_kind::newline) == 4 &&
            static_cast<int>(ascii_kind::quote) == 5 && static_cast<int>(ascii_kind::other) == 6);
        return of[static_cast<int>(k)];
    }

    // \p{L}+ from p: the end of the run of letters.
    const unsigned char* letter_run(const unsigned char* p) noexcept {
        while (p < end_) {
            if (*p < 0x80) {
                if (!is_letter(*p))
                    break;
                p = skip_letters(p + 1, end_);
                continue;
            }
            const unsigned char* next = skip_wide_letters(p);
            if (next == p) {
                const code_point c = decode(p);
                if (c.kind != cls::letter)
                    break;
                next = c.next;
            }
            p = next;
        }
        return p;
    }

    // Skips a run of two-byte letters (Cyrillic, Greek, Arabic, Hebrew ...) or of three-byte
    // letters (CJK, kana, Hangul, Indic ...) that are well-formed and NFC-inert, with the fewest
    // tests; decode() takes whatever else comes. A sequence that is overlong (tested here) or a
    // surrogate (no letter class) stops the run, so decode() sees it and flags it.
    const unsigned char* skip_wide_letters(const unsigned char* p) const noexcept {
        constexpr auto letter = static_cast<std::uint8_t>(cls::letter); // and NFC-inert
        if ((p[0] & 0xF0u) == 0xE0) {
            while (end_ - p >= 3) {
                const unsigned b0 = p[0], c1 = p[1] ^ 0x80u, c2 = p[2] ^ 0x80u;
                if ((b0 & 0xF0u) != 0xE0 || (c1 | c2) >= 0x40)
                    break;
                const char32_t cp = ((b0 & 0x0Fu) << 12) | (c1 << 6) | c2;
                if (cp < 0x800 || unicode::info(cp) != letter)
                    break;
                p += 3;
            }
        } else {
            while (end_ - p >= 2) {
                const unsigned b0 = p[0], c1 = p[1] ^ 0x80u;
                if (b0 - 0xC2u >= 0xE0u - 0xC2u || c1 >= 0x40)
                    break;
                if (unicode::info(((b0 & 0x1Fu) << 6) | c1) != letter)
                    break;
                p += 2;
            }
        }
        return p;
    }

    // [^\s\p{L}\p{N}]+ from p: the end of the run.
    const unsigned char* other_run(const unsigned char* p) noexcept {
        for (;;) {
            p = skip_others(p, end_);
            while (p < end_ && *p >= 0x80) {
                const code_point c = decode(p);
                if (c.kind != cls::other)
                    return p;
                p = c.next;
            }
            if (p == end_ || !is_other(*p))
                return p;
        }
    }

    // (?i:'s|'t|'re|'ve|'m|'ll|'d) after the apostrophe (`p` just past it); null if none.
    // 's also matches 'ſ (U+017F, C5 BF). Only ASCII and that sequence can match, so bytes are
    // compared (ASCII is well-formed and NFC-inert; U+017F is decoded to be checked).
    const unsigned char* contraction(const unsigned char* p) noexcept {
        if (p == end_)
            return nullptr;
        const unsigned a = *p | 0x20u; // ASCII lower case (and harmless on other bytes)
        if (a == 's' || a == 't' || a == 'm' || a == 'd')
            return p + 1;
        if (p[0] == 0xC5 && end_ - p >= 2 && p[1] == 0xBF)
            return decode(p).next;
        if (a == 'r' || a == 'v' || a == 'l') {
            if (end_ - p < 2)
                return nullptr;
            const unsigned want = a == 'l' ? 'l' : 'e';
            if ((p[1] | 0x20u) == want)
                return p + 2;
        }
        return nullptr;
    }

    // The piece of a code point of class `other` that ends at `p`: [^\r\n\p{L}\p{N}]?\p{L}+
    // when a letter follows, else [^\s\p{L}\p{N}]+[\r\n]*.
    const unsigned char* after_other(const unsigned char* p) noexcept {
        if (p < end_) {
            const code_point n = peek(p);
            if (n.kind == cls::letter)
                return letter_run(n.next);
            if (n.kind == cls::other)
                return newlines(other_run(n.next));
        }
        return newlines(p);
    }

    // A U+0020 at p: ' ?\p{L}+', ' ?[^\s\p{L}\p{N}]+[\r\n]*', else white space.
    const unsigned char* after_space(const unsigned char* p) noexcept {
        if (p + 1 < end_) {
            if (is_letter(p[1])) {
                if (const unsigned char* e = short_word(p, 2))
                    return e;
                return letter_run(p + 2);
            }
            if (const unsigned char* e = skip_wide_letters(p + 1); e != p + 1)
                return letter_run(e);
            const code_point n = peek(p + 1);
            if (n.kind == cls::letter)
                return letter_run(n.next);
            if (n.kind == cls::other)
                return newlines(other_run(n.next));
        }
        return white_run(p);
    }

    // White space other than \r, \n and U+0020 at p, ending at `next`: [^\r\n...]?\p{L}+ when
    // a letter follows, else white space.
    const unsigned char* after_blank(const unsigned char* p, const unsigned char* next) noexcept {
        if (next < end_) {
            const code_point n = peek(next);
            if (n.kind == cls::letter)
                return letter_run(n.next);
        }
        return white_run(p);
    }

    const unsigned char* newlines(const unsigned char* p) const noexcept {
        while (p < end_ && (*p == '\r' || *p == '\n'))
            ++p;
        return p;
    }

    // \s*[\r\n]+ | \s+(?!\S) | \s+ from p (white space at p).
    const unsigned char* white_run(const unsigned char* p) noexcept {
        const unsigned char* last_newline = nullptr;
        const unsigned char* last_start = p; // start of the run's last code point
        const unsigned char* e = p;
        for (;;) {
            const unsigned char* const ascii_end = skip_white(e, end_, last_newline);
            if (ascii_end != e) {
                last_start = ascii_end - 1;
                e = ascii_end;
            }
            if (e == end_ || *e < 0x80)
                break;
            const code_point c = decode(e);
            if (c.kind != cls::space)
                break;
            last_start = e;
            e = c.next;
        }
        if (last_newline)
            return last_newline; // \s*[\r\n]+: up to the run's last \r or \n
        if (e == end_)
            return e; // \s+(?!\S) at the end of the text: the whole run
        if (last_start != p)
            return last_start; // \s+(?!\S): all but the last code point
        return e;              // \s+: one code point before a non-space
    }

    const unsigned char* begin_;
    const unsigned char* end_;
    bool bad_ = false;
};

} // namespace rerank::tokenizer_detail::estimate
