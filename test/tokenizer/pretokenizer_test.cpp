// The split regex, alternative by alternative, with Oniguruma's backtracking worked by hand.
#include "tokenizer/pretokenizer.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

namespace {

using pieces = std::vector<std::string>;

pieces split(std::string_view text) {
    pieces out;
    rerank::tokenizer_detail::piece_splitter s(text);
    while (!s.done())
        out.emplace_back(s.next());
    return out;
}

BOOST_AUTO_TEST_SUITE(tokenizer_pretokenizer)

BOOST_AUTO_TEST_CASE(words_and_spaces) {
    BOOST_TEST(split("Hello world") == (pieces{"Hello", " world"}),
               boost::test_tools::per_element());
    // \s+(?!\S) leaves the last space for the word after it.
    BOOST_TEST(split("a    b") == (pieces{"a", "   ", " b"}), boost::test_tools::per_element());
    BOOST_TEST(split("a b") == (pieces{"a", " b"}), boost::test_tools::per_element());
    BOOST_TEST(split("x  ") == (pieces{"x", "  "}), boost::test_tools::per_element());
    BOOST_TEST(split("\t\tfoo") == (pieces{"\t", "\tfoo"}), boost::test_tools::per_element());
    BOOST_TEST(split("  1") == (pieces{" ", " ", "1"}), boost::test_tools::per_element());
    BOOST_TEST(split("\u3000\u4e2d") == (pieces{"\u3000\u4e2d"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(contractions) {
    BOOST_TEST(split("I'm") == (pieces{"I", "'m"}), boost::test_tools::per_element());
    BOOST_TEST(split("they'LL") == (pieces{"they", "'LL"}), boost::test_tools::per_element());
    BOOST_TEST(split("'llama") == (pieces{"'ll", "ama"}), boost::test_tools::per_element());
    BOOST_TEST(split("it'S") == (pieces{"it", "'S"}), boost::test_tools::per_element());
    BOOST_TEST(split("x'\u017f") == (pieces{"x", "'\u017f"}), boost::test_tools::per_element());
    BOOST_TEST(split("'re'") == (pieces{"'re", "'"}), boost::test_tools::per_element());
    BOOST_TEST(split("'x") == (pieces{"'x"}), boost::test_tools::per_element());
    BOOST_TEST(split("'") == (pieces{"'"}), boost::test_tools::per_element());
    BOOST_TEST(split("'l") == (pieces{"'l"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(digits_and_punctuation) {
    BOOST_TEST(split("12345") == (pieces{"1", "2", "3", "4", "5"}),
               boost::test_tools::per_element());
    BOOST_TEST(split("$100") == (pieces{"$", "1", "0", "0"}), boost::test_tools::per_element());
    BOOST_TEST(split("a,b") == (pieces{"a", ",b"}), boost::test_tools::per_element());
    BOOST_TEST(split("hi!!!\n\nthere") == (pieces{"hi", "!!!\n\n", "there"}),
               boost::test_tools::per_element());
    BOOST_TEST(split("x ?!") == (pieces{"x", " ?!"}), boost::test_tools::per_element());
    BOOST_TEST(split("\u4f60\u597d\uff0c\u4e16\u754c\uff01") ==
                   (pieces{"\u4f60\u597d", "\uff0c\u4e16\u754c", "\uff01"}),
               boost::test_tools::per_element());
    BOOST_TEST(split("\u00bd") == (pieces{"\u00bd"}), boost::test_tools::per_element()); // No
}

BOOST_AUTO_TEST_CASE(newlines) {
    // \s*[\r\n]+ stops after the last newline of the whitespace run.
    BOOST_TEST(split("  \n\n  x") == (pieces{"  \n\n", " ", " x"}),
               boost::test_tools::per_element());
    BOOST_TEST(split("a\r\nb") == (pieces{"a", "\r\n", "b"}), boost::test_tools::per_element());
    BOOST_TEST(split("a \n b") == (pieces{"a", " \n", " b"}), boost::test_tools::per_element());
    BOOST_TEST(split("\n") == (pieces{"\n"}), boost::test_tools::per_element());
    BOOST_TEST(split("\nabc") == (pieces{"\n", "abc"}), boost::test_tools::per_element());
    BOOST_TEST(split("x\n  ") == (pieces{"x", "\n", "  "}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(pieces_tile_the_text) {
    const std::string text = "Mixed: 'tis 3.14 \u00e9t\u00e9\t\t\r\n\u3000 \U0001F600!!";
    std::string joined;
    for (const auto& p : split(text)) {
        BOOST_TEST(!p.empty());
        joined += p;
    }
    BOOST_TEST(joined == text);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace
