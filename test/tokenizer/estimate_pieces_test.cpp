// The estimator's piece scanner (estimate_pieces.hpp) against piece_splitter, and its NFC check
// (estimate_nfc.hpp) against NFC itself: a text that the checking scanner passes must be its own
// NFC, including texts with the marks and compositions the check reasons about.
#include "corpus.hpp"
#include "estimate_text.hpp"

#include "text/utf8.hpp"
#include "tokenizer/estimate_nfc.hpp"
#include "tokenizer/estimate_pieces.hpp"
#include "tokenizer/nfc.hpp"
#include "tokenizer/pretokenizer.hpp"
#include "tokenizer/text_walk.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

namespace {

namespace td = rerank::tokenizer_detail;
namespace est = rerank::tokenizer_detail::estimate;

// Piece starts as the estimator finds them (runs of digits, then one piece at a time).
template <bool CheckNfc>
std::vector<std::size_t> scanner_starts(std::string_view text, bool& bad) {
    const auto* const begin = reinterpret_cast<const unsigned char*>(text.data());
    const auto* const end = begin + text.size();
    est::piece_scanner<CheckNfc> scanner(begin, end);
    std::vector<std::size_t> starts;
    for (const unsigned char* p = begin; p < end;) {
        if (const unsigned char* digits = scanner.digits(p)) {
            for (; p < digits; ++p)
                starts.push_back(static_cast<std::size_t>(p - begin));
            continue;
        }
        starts.push_back(static_cast<std::size_t>(p - begin));
        const unsigned char* const e = scanner.next(p);
        BOOST_TEST_REQUIRE((e > p && e <= end));
        p = e;
    }
    bad = scanner.bad();
    return starts;
}

std::vector<std::size_t> splitter_starts(std::string_view text) {
    std::vector<std::size_t> starts;
    td::piece_splitter s(text);
    while (!s.done()) {
        starts.push_back(s.offset());
        s.next();
    }
    return starts;
}

std::string nfc_of(std::string_view text) {
    std::string repaired, out;
    td::append_nfc(td::well_formed(text, repaired), out);
    return out;
}

BOOST_AUTO_TEST_SUITE(tokenizer_estimate_pieces)

BOOST_AUTO_TEST_CASE(pieces_are_the_splitter_pieces_on_the_corpus) {
    std::size_t texts = 0, differ = 0;
    for (const auto& t : rerank::test::tokenizer_corpus()) {
        const std::string text = nfc_of(t.text);
        bool bad = false;
        const auto expected = splitter_starts(text);
        ++texts;
        if (scanner_starts<false>(text, bad) != expected || bad) {
            ++differ;
            BOOST_ERROR("line " << t.line << " (" << t.category << ")");
        }
        if (scanner_starts<true>(t.text, bad) != expected && !bad) { // corpus text is NFC
            ++differ;
            BOOST_ERROR("line " << t.line << " (" << t.category << "), checked");
        }
    }
    BOOST_TEST(texts == 2005u);
    BOOST_TEST(differ == 0u);
}

BOOST_AUTO_TEST_CASE(pieces_are_the_splitter_pieces_on_generated_text) {
    rerank::test::estimate_text gen(7);
    std::size_t differ = 0, checked_passes = 0;
    for (int i = 0; i < 20000; ++i) {
        const std::string raw = gen.next(i % 20 == 0 ? 200 : 30, true);
        const std::string text = nfc_of(raw);
        const auto expected = splitter_starts(text);
        bool bad = false;
        if (scanner_starts<false>(text, bad) != expected || bad) {
            if (++differ < 10)
                BOOST_ERROR("text #" << i << " (normalised)");
        }
        // The checking scanner on the raw text: when it passes it, the text is well-formed
        // and NFC (tested below) and the pieces must be the splitter's.
        const auto checked = scanner_starts<true>(raw, bad);
        if (!bad && checked != splitter_starts(raw) && ++differ < 10)
            BOOST_ERROR("text #" << i << " (raw, checked)");
        checked_passes += !bad;
    }
    BOOST_TEST(differ == 0u);
    BOOST_TEST(checked_passes > 1000u);
}

BOOST_AUTO_TEST_CASE(text_the_check_passes_is_its_own_nfc) {
    rerank::test::estimate_text gen(99);
    std::size_t passed = 0, passed_not_inert = 0, wrong = 0;
    for (int i = 0; i < 30000; ++i) {
        const std::string text = gen.next(12, i % 4 == 0);
        bool bad = false;
        scanner_starts<true>(text, bad);
        if (bad)
            continue;
        ++passed;
        BOOST_TEST_REQUIRE(rerank::utf8::is_valid(text));
        passed_not_inert += td::find_non_inert(text) != text.size();
        if (nfc_of(text) != text && ++wrong < 10)
            BOOST_ERROR("text #" << i << " passed the check but NFC changes it");
    }
    BOOST_TEST(wrong == 0u);
    BOOST_TEST(passed > 3000u);
    BOOST_TEST(passed_not_inert > 1000u); // the marks the check lets through are exercised
}

BOOST_AUTO_TEST_CASE(nfc_keeps_what_it_should) {
    BOOST_TEST(est::nfc_keeps(0x0915, 0x094D));  // KA, VIRAMA
    BOOST_TEST(est::nfc_keeps(0x0E01, 0x0E38));  // Thai SARA U
    BOOST_TEST(est::nfc_keeps(0x064E, 0x0651));  // FATHA (30), SHADDA (33): in order
    BOOST_TEST(!est::nfc_keeps(0x0651, 0x064E)); // SHADDA (33), FATHA (30): reordered
    BOOST_TEST(!est::nfc_keeps('e', 0x0301));    // composes
    BOOST_TEST(!est::nfc_keeps(0, 0x0344));      // decomposes
    BOOST_TEST(est::nfc_keeps(0x0995, 0x09BE));  // Bengali KA, AA
    BOOST_TEST(!est::nfc_keeps(0x09C7, 0x09BE)); // Bengali E, AA: U+09CB
    BOOST_TEST(est::nfc_keeps(0, 0x09BE));       // AA at the start
    BOOST_TEST(!est::nfc_keeps(0xAC00, 0x11A8)); // Hangul LV + T
    BOOST_TEST(!est::nfc_keeps(0x1100, 0x1161)); // Hangul L + V
    BOOST_TEST(!est::nfc_keeps(0, 0x2126));      // OHM SIGN: singleton
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace
