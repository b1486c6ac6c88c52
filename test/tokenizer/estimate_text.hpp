// Generated text for the estimator's tests: short stretches of each kind that its fast paths
// treat apart (ASCII words across the 16-byte loads, digit runs, punctuation, white space,
// contractions, two-, three- and four-byte letters, marks that NFC keeps or changes, Bengali and
// Hangul compositions, ill-formed UTF-8, added tokens and pieces of them, long runs across the
// 4 KiB windows), mixed at random.
#pragma once

#include "text/utf8.hpp"

#include <cstddef>
#include <random>
#include <string>
#include <string_view>

namespace rerank::test {

class estimate_text {
public:
    explicit estimate_text(unsigned seed)
        : rng_(seed) {}

    /// A text of up to `parts` stretches; with `ill_formed`, some are ill-formed UTF-8.
    std::string next(std::size_t parts, bool ill_formed) {
        std::string s;
        for (std::size_t n = 1 + pick(parts); n-- > 0;)
            add_part(s, ill_formed);
        return s;
    }

private:
    std::size_t pick(std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
    }
    template <std::size_t N>
    std::string_view one_of(const std::string_view (&options)[N]) {
        return options[pick(N)];
    }
    void cp(std::string& s, char32_t c) { utf8::append(s, c); }
    void letters(std::string& s, char32_t first, std::size_t count, std::size_t max_len) {
        for (std::size_t n = 1 + pick(max_len); n-- > 0;)
            cp(s, first + static_cast<char32_t>(pick(count)));
    }

    void add_part(std::string& s, bool ill_formed) {
        static const std::string_view punctuation[] = {
            "!", "?",  ".", ",", ";", ":",  "(", ")",    "[",    "]", "{",
            "}", "\"", "-", "_", "/", "\\", "@", "#",    "$",    "%", "&",
            "*", "+",  "=", "|", "~", "`",  "'", "\x01", "\x7f", "<", ">"};
        static const std::string_view white[] = {
            " ",  " ",        " ",        "\t",           "\n",           "\r",          "\v",
            "\f", "\xC2\xA0", "\xC2\x85", "\xE3\x80\x80", "\xE2\x80\xA8", "\xE2\x80\x89"};
        static const std::string_view contractions[] = {
            "'s", "'T", "'re", "'VE", "'m", "'ll", "'D", "'\xC5\xBF", "'x", "'", "'l", "'r", "'Re"};
        static const std::string_view nfc_cases[] = {
            "e\xCC\x81",                 // e U+0301: composes
            "\xC3\xA9\xCC\x96",          // U+00E9 U+0316: kept (in order)
            "a\xCC\x81\xCC\x96",         // U+0301 U+0316: reordered
            "\xE0\xA4\x95\xE0\xA5\x8D",  // KA VIRAMA: kept
            "\xE0\xB8\x81\xE0\xB8\xB8",  // Thai KO KAI, SARA U: kept
            "\xD8\xA8\xD9\x91\xD9\x8E",  // BEH SHADDA(33) FATHA(30): reordered
            "\xD8\xA8\xD9\x8E\xD9\x91",  // BEH FATHA SHADDA: kept
            "\xE0\xA7\x87\xE0\xA6\xBE",  // Bengali E + AA: composes (U+09CB)
            "\xE0\xA6\x95\xE0\xA6\xBE",  // Bengali KA + AA: kept
            "\xE0\xA6\xBE",              // AA alone
            "\xE0\xA7\x87\xE0\xA7\x97",  // Bengali E + AU length: composes
            "\xEA\xB0\x80\xE1\x86\xA8",  // GA + T jamo: composes
            "\xE1\x84\x80\xE1\x85\xA1",  // L + V jamo: composes
            "\xE1\x85\xA1",              // V jamo alone
            "\xCD\x80",                  // U+0340: decomposes
            "\xCD\x84",                  // U+0344: decomposes
            "\xE2\x84\xA6",              // OHM SIGN: singleton
            "\xF0\x9D\x85\xA0",          // U+1D160: lengthens under NFC
            "\xE0\xA4\xA8\xE0\xA4\xBC",  // NA NUKTA: composes (U+0929)
            "\xC3\x85",                  // U+00C5: inert
            "\xCC\x81",                  // a lone U+0301
            "\xE0\xBD\xB1\xE0\xBD\xB2"}; // Tibetan marks, classes 129 then 130
        static const std::string_view bad_bytes[] = {"\x80",
                                                     "\xBF",
                                                     "\xC0\x80",
                                                     "\xC1\xBF",
                                                     "\xC2",
                                                     "\xE0\x80\x80",
                                                     "\xE0\x9F\xBF",
                                                     "\xED\xA0\x80",
                                                     "\xED\xBF\xBF",
                                                     "\xF0\x80\x80\x80",
                                                     "\xF4\x90\x80\x80",
                                                     "\xF5\x80",
                                                     "\xFF",
                                                     "\xE4\xB8",
                                                     "\xF0\x9F\x98",
                                                     "\xC3\xC3"};
        static const std::string_view added[] = {"<|im_start|>",
                                                 "<|im_end|>",
                                                 "<think>",
                                                 "</think>",
                                                 "<tool_call>",
                                                 "<|endoftext|>",
                                                 "<",
                                                 ">",
                                                 "<|",
                                                 "|>",
                                                 "<|im_end",
                                                 "<<|im_end|>",
                                                 "<think></think>",
                                                 "<|im_start|>>",
                                                 "<|fim_pad|",
                                                 "</tool_response>"};
        static const std::string_view repeated[] = {"a",
                                                    " ",
                                                    "\n",
                                                    "7",
                                                    "_",
                                                    "\xE4\xB8\xAD",
                                                    "\xD0\xB6",
                                                    "\t",
                                                    "ab ",
                                                    "\xF0\x9F\x98\x80",
                                                    "\xE0\xA4\x95\xE0\xA5\x8D"};
        switch (pick(ill_formed ? 15 : 14)) {
        case 0: // an ASCII word, maybe after a space
            if (pick(2))
                s += ' ';
            for (std::size_t n = 1 + pick(pick(4) ? 9 : 40); n-- > 0;)
                s += static_cast<char>((pick(2) ? 'a' : 'A') + pick(26));
            break;
        case 1:
            for (std::size_t n = 1 + pick(40); n-- > 0;)
                s += static_cast<char>('0' + pick(10));
            break;
        case 2:
            for (std::size_t n = 1 + pick(8); n-- > 0;)
                s += one_of(punctuation);
            break;
        case 3:
            for (std::size_t n = 1 + pick(12); n-- > 0;)
                s += one_of(white);
            break;
        case 4:
            s += one_of(contractions);
            break;
        case 5: // two-byte letters: Cyrillic, Greek, Arabic
            if (pick(2))
                s += ' ';
            letters(s, pick(3) == 0 ? 0x3B1 : pick(2) ? 0x430 : 0x628, 20, 12);
            break;
        case 6: // three-byte letters: CJK, Hangul syllables, kana, Devanagari
            letters(s,
                    pick(4) == 0   ? 0xAC00
                    : pick(3) == 0 ? 0x3041
                    : pick(2)      ? 0x4E00
                                   : 0x915,
                    40, 24);
            break;
        case 7: // four-byte: emoji (other), CJK extension B (letters), math digits (numbers)
            letters(s, pick(3) == 0 ? 0x1F600 : pick(2) ? 0x20000 : 0x1D7CE, 30, 6);
            break;
        case 8:
        case 9:
            s += one_of(nfc_cases);
            break;
        case 10:
            s += one_of(added);
            break;
        case 11: // a long run, across windows
            for (std::size_t n = 1 + pick(pick(8) ? 100 : 3000), k = pick(std::size(repeated));
                 n-- > 0;)
                s += repeated[k];
            break;
        case 12: // other non-ASCII: symbols, CJK punctuation, superscripts, a stray mark
            cp(s, pick(2) ? 0x3001 + static_cast<char32_t>(pick(20))
                          : 0xB2 + static_cast<char32_t>(pick(8)));
            break;
        case 13: // any code point of the BMP or above
            for (std::size_t n = 1 + pick(6); n-- > 0;) {
                char32_t c = static_cast<char32_t>(pick(4) ? pick(0x3000) : pick(0x110000));
                cp(s, c >= 0xD800 && c < 0xE000 ? 0xFFFD : c);
            }
            break;
        default:
            s += one_of(bad_bytes);
            break;
        }
    }

    std::mt19937 rng_;
};

} // namespace rerank::test
