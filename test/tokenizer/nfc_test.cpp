// NFC against Node's ICU on 4,000 generated vectors of characters assigned in Unicode 9.0
// (test/data/tokenizer/nfc_vectors.jsonl, made by scripts/gen-unicode-tables.mjs), and the
// classic cases by hand.
#include <rerank/qwen3_tokenizer.hpp>

#include "support/paths.hpp"
#include "tokenizer/nfc.hpp"
#include "tokenizer/unicode_tables.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <sstream>

namespace {

namespace td = rerank::tokenizer_detail;

std::string nfc(std::string_view s) {
    std::string scratch;
    return std::string(td::nfc_view(s, scratch));
}

std::string repeat(std::string_view s, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i)
        out += s;
    return out;
}

BOOST_AUTO_TEST_SUITE(tokenizer_nfc)

BOOST_AUTO_TEST_CASE(classic_cases) {
    BOOST_TEST(nfc("e\u0301") == "\u00e9");              // composition
    BOOST_TEST(nfc("\u00e9") == "\u00e9");               // already NFC
    BOOST_TEST(nfc("\u212B") == "\u00c5");               // singleton (Angstrom sign)
    BOOST_TEST(nfc("a\u0323\u0302") == "\u1ead");        // ậ from either order
    BOOST_TEST(nfc("a\u0302\u0323") == "\u1ead");        // canonical reordering first
    BOOST_TEST(nfc("\u0958") == "\u0915\u093c");         // composition exclusion
    BOOST_TEST(nfc("\u0344") == "\u0308\u0301");         // non-starter decomposition
    BOOST_TEST(nfc("\u1100\u1161\u11a8") == "\uac01");   // Hangul L V T
    BOOST_TEST(nfc("\uac00\u11a8") == "\uac01");         // Hangul LV + T
    BOOST_TEST(nfc("a\u0305\u0301") == "a\u0305\u0301"); // blocked (same class)
    BOOST_TEST(nfc("\u0301e") == "\u0301e");             // a leading mark stays
    BOOST_TEST(nfc("\u09c7\u09be") == "\u09cb");         // starter + starter (Bengali)
    BOOST_TEST(nfc("\U0001D160") == "\U0001D158\U0001D165\U0001D16E"); // excluded, lengthens
    BOOST_TEST(nfc(repeat("\U0001D160", 10)).size() == 120u);
    // NFC data is Unicode 9.0's, as in Hugging Face tokenizers: later characters are left alone.
    BOOST_TEST(nfc("\U0001611E\U0001611E") == "\U0001611E\U0001611E"); // 16.0 pair: kept
    BOOST_TEST(nfc("a\u1DFA\u0301") == "a\u1DFA\u0301"); // 14.0 mark: class 0 here, blocks
    BOOST_TEST(nfc("a\u1DF9\u0301") == "a\u1DF9\u0301"); // 10.0 mark: blocks too
    BOOST_TEST(nfc("a\u0316\u0301") == "\u00e1\u0316");  // old mark (class 220) does not
    BOOST_TEST(nfc("plain ASCII text") == "plain ASCII text");
}

BOOST_AUTO_TEST_CASE(quick_check) {
    BOOST_TEST(td::find_non_inert("hello") == 5u);
    BOOST_TEST(td::find_non_inert("\u00e9t\u00e9") == 5u); // precomposed letters are inert
    BOOST_TEST(td::find_non_inert("ab\u0301") == 2u);
    BOOST_TEST(td::find_non_inert("\u1161") == 0u); // Hangul vowel may compose
}

BOOST_AUTO_TEST_CASE(tables) {
    namespace uc = td::unicode;
    BOOST_TEST(uc::combining_class(0x0301) == 230);
    BOOST_TEST(uc::combining_class(0x0334) == 1);
    BOOST_TEST(uc::combining_class(0x0345) == 240);
    BOOST_TEST(uc::combining_class(U'a') == 0);
    BOOST_TEST((uc::class_of(U'a') == uc::char_class::letter));
    BOOST_TEST((uc::class_of(0x4E2D) == uc::char_class::letter));
    BOOST_TEST((uc::class_of(0x0661) == uc::char_class::number)); // Arabic-Indic one
    BOOST_TEST((uc::class_of(0x2167) == uc::char_class::number)); // Roman numeral (Nl)
    BOOST_TEST((uc::class_of(0x3000) == uc::char_class::space));
    BOOST_TEST((uc::class_of(0x0085) == uc::char_class::space));
    BOOST_TEST((uc::class_of(0xFEFF) == uc::char_class::other)); // not White_Space
    BOOST_TEST((uc::class_of(0x0301) == uc::char_class::other));
    BOOST_TEST((uc::class_of(0x1C89) == uc::char_class::letter)); // new in Unicode 16
    BOOST_TEST((uc::class_of(0x10FFFF) == uc::char_class::other));
}

BOOST_AUTO_TEST_CASE(matches_icu_on_generated_vectors) {
    std::istringstream in(
        rerank::test::read_file(rerank::test::data_path("tokenizer/nfc_vectors.jsonl")));
    std::size_t checked = 0, changed = 0;
    for (std::string line; std::getline(in, line);) {
        if (line.empty())
            continue;
        const auto v = boost::json::parse(line).as_object();
        const std::string input(v.at("in").as_string());
        const std::string expected(v.at("nfc").as_string());
        ++checked;
        changed += input != expected;
        const std::string got = nfc(input);
        if (got != expected)
            BOOST_ERROR("NFC differs from ICU on: " << line);
        // The rewrite map used by prefix_bytes must tile the text consistently.
        std::string out;
        std::vector<td::nfc_rewrite> rewrites;
        td::append_nfc(input, out, &rewrites);
        BOOST_TEST(out == expected);
        std::size_t in_pos = 0, out_pos = 0;
        for (const auto& r : rewrites) {
            BOOST_TEST(r.input_begin >= in_pos);
            BOOST_TEST(r.input_begin - in_pos == r.output_begin - out_pos);
            BOOST_TEST(input.substr(in_pos, r.input_begin - in_pos) ==
                       out.substr(out_pos, r.output_begin - out_pos));
            in_pos = r.input_end;
            out_pos = r.output_end;
        }
        BOOST_TEST(input.substr(in_pos) == out.substr(out_pos));
    }
    BOOST_TEST(checked == 4000u);
    BOOST_TEST(changed > 1000u);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace
