// Which code points that are not NFC-inert still leave a text unchanged by NFC, for the
// estimator's check that a text is its own NFC. All from the NFC tables the tokenizer itself uses
// (Unicode 9.0, as Hugging Face's normaliser), so "NFC" here is the tokenizer's NFC.
//
// Read the text left to right, every code point before the current one being kept by NFC. An
// NFC-inert code point (combining class 0, NFC_Quick_Check=Yes) is kept. So is:
//  - a mark (class > 0) with no canonical decomposition that is the second character of no
//    primary composite (NFC_Quick_Check=Yes: viramas, Thai vowels, most Indic signs), when the
//    code point before it has no higher class: in canonical order, and it joins nothing (the
//    NFC quick check of UAX #15, section 9);
//  - a class-0 code point with no decomposition that is the second of a primary composite
//    (NFC_Quick_Check=Maybe, e.g. U+09BE BENGALI VOWEL SIGN AA), when it does not compose with
//    the code point right before it: a class-0 character can only join the character just
//    before it (any character between blocks it), and that one is kept, so it is the same in
//    NFC's output. Hangul vowel and trailing jamo compose algorithmically: they are not kept.
// What follows a kept code point can change it only by composing with it or, being a mark of a
// lower class after a mark, by being moved before it; the checks on that next code point rule
// out both. (The tests hold texts that pass these checks to NFC itself.)
#pragma once

#include "tokenizer/unicode_tables.hpp"

#include <algorithm>
#include <iterator>
#include <utility>
#include <vector>

namespace rerank::tokenizer_detail::estimate {

namespace detail {

// What nfc_keeps needs of the NFC tables, found once: which code points have a canonical
// decomposition or are the second of a primary composite, as bits below U+3000 (where the marks
// of most scripts are) and as sorted lists.
struct nfc_facts {
    static constexpr char32_t low = 0x3000;
    std::vector<bool> decomposes_low = std::vector<bool>(low), second_low = std::vector<bool>(low);
    std::vector<char32_t> decomposes, seconds;

    nfc_facts() {
        for (const auto& d : unicode::decompositions)
            decomposes.push_back(d.code_point);
        for (const auto& c : unicode::compositions)
            seconds.push_back(c.second);
        for (auto* v : {&decomposes, &seconds}) {
            std::sort(v->begin(), v->end());
            v->erase(std::unique(v->begin(), v->end()), v->end());
        }
        for (const char32_t c : decomposes)
            if (c < low)
                decomposes_low[c] = true;
        for (const char32_t c : seconds)
            if (c < low)
                second_low[c] = true;
    }

    static bool in(const std::vector<bool>& bits, const std::vector<char32_t>& list, char32_t c) {
        return c < low ? bool(bits[c]) : std::binary_search(list.begin(), list.end(), c);
    }
    bool decomposes_cp(char32_t c) const { return in(decomposes_low, decomposes, c); }
    bool second_cp(char32_t c) const { return in(second_low, seconds, c); }

    static const nfc_facts& get() {
        static const nfc_facts facts;
        return facts;
    }
};

} // namespace detail

/// True when NFC keeps `cp` (a code point that is not NFC-inert) after `before` (0 at the start
/// of the text), all code points up to `before` being kept.
inline bool nfc_keeps(char32_t before, char32_t cp) {
    namespace uc = unicode;
    const detail::nfc_facts& facts = detail::nfc_facts::get();
    if (facts.decomposes_cp(cp))
        return false; // Quick_Check=No
    const unsigned ccc = uc::combining_class(cp);
    if (ccc != 0) // a mark: Quick_Check=Yes unless a second; then in canonical order?
        return !facts.second_cp(cp) && uc::combining_class(before) <= ccc;
    if ((cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2))
        return false; // Hangul V and T jamo
    // Class 0 and not inert: the second of a primary composite. Does it compose with `before`?
    const auto* const begin = std::begin(uc::compositions);
    const auto* const end = std::end(uc::compositions);
    const auto* c = std::lower_bound(begin, end, std::pair{before, cp},
                                     [](const uc::composition& x, std::pair<char32_t, char32_t> k) {
                                         return std::pair{x.first, x.second} < k;
                                     });
    return c == end || c->first != before || c->second != cp;
}

} // namespace rerank::tokenizer_detail::estimate
