// BM25 scoring, term splitting and the token approximation: pure functions, no I/O.
#include "emulator/bm25.hpp"
#include "emulator/terms.hpp"

#include <rerank/emulator/token_count.hpp>

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace rerank::emulator;
using namespace rerank::emulator::detail;

namespace {

std::vector<double> scores_of(std::string_view query, const std::vector<std::string_view>& docs,
                              scoring mode = scoring::request_bm25) {
    return score_documents(query, docs, mode);
}

} // namespace

BOOST_AUTO_TEST_SUITE(emulator_terms)

BOOST_AUTO_TEST_CASE(ascii_words_are_lowercased_and_split_on_punctuation) {
    const std::vector<std::string> expected{"what", "is", "bm25", "it", "s", "a", "ranking", "fn"};
    BOOST_TEST(split_terms("What is BM25? It's a RANKING-fn.") == expected,
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(each_non_ascii_code_point_is_a_term) {
    // Non-ASCII punctuation (the full-width comma) is a code point like any other.
    const std::vector<std::string> expected{"什", "么", "是", "rerank", "，", "é", "t", "é"};
    BOOST_TEST(split_terms("什么是 rerank，été") == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(invalid_utf8_bytes_are_single_byte_terms) {
    const std::string text = "a\xff"
                             "b\xe4\xbd"; // a stray byte, then a truncated sequence
    const std::vector<std::string> expected{"a", "\xff", "b", "\xe4", "\xbd"};
    BOOST_TEST(split_terms(text) == expected, boost::test_tools::per_element());
    // Overlong forms and surrogates are not code points either (strict UTF-8).
    const std::vector<std::string> bytes{"\xc0", "\xaf", "\xed", "\xa0", "\x80"};
    BOOST_TEST(split_terms("\xc0\xaf\xed\xa0\x80") == bytes, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(empty_and_separator_only_texts_have_no_terms) {
    BOOST_TEST(split_terms("").empty());
    BOOST_TEST(split_terms("  ,.;!\t\n").empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(emulator_bm25)

BOOST_AUTO_TEST_CASE(a_document_with_the_query_terms_outranks_one_without) {
    const auto s =
        scores_of("capital of France",
                  {"Bananas are yellow.", "Paris is the capital of France.", "Dogs bark."});
    BOOST_TEST(s[1] > s[0]);
    BOOST_TEST(s[1] > s[2]);
    const auto order = rank(s, 3);
    BOOST_TEST(order.front() == 1u);
}

BOOST_AUTO_TEST_CASE(more_matching_terms_score_higher) {
    const auto s = scores_of("quick brown fox", {"a brown dog", "the quick brown fox", "a cat"});
    BOOST_TEST(s[1] > s[0]);
    BOOST_TEST(s[0] > s[2]);
}

BOOST_AUTO_TEST_CASE(rare_terms_weigh_more_than_common_ones) {
    // "the" is in every document, "zebra" in one: the zebra document wins.
    const auto s = scores_of("the zebra", {"the horse", "the zebra", "the cow", "the pig"});
    BOOST_TEST(rank(s, 1).front() == 1u);
}

BOOST_AUTO_TEST_CASE(cjk_queries_match_character_by_character) {
    const auto s = scores_of("北京天气", {"上海的美食", "北京今天的天气很好", "天空"});
    BOOST_TEST(s[1] > s[2]);
    BOOST_TEST(s[2] > s[0]);
}

BOOST_AUTO_TEST_CASE(scores_lie_in_the_unit_interval_and_are_deterministic) {
    const std::vector<std::string_view> docs{"alpha beta", "alpha alpha alpha alpha alpha", "",
                                             "gamma"};
    const auto first = scores_of("alpha alpha beta", docs);
    const auto second = scores_of("alpha alpha beta", docs);
    BOOST_TEST(first == second, boost::test_tools::per_element());
    for (double s : first) {
        BOOST_TEST(s >= 0.0);
        BOOST_TEST(s < 1.0);
    }
}

BOOST_AUTO_TEST_CASE(identical_documents_tie_and_different_non_matching_ones_rarely_do) {
    const auto s = scores_of("query", {"same text", "same text", "other text", "more text"});
    BOOST_TEST(s[0] == s[1]);
    BOOST_TEST(s[0] != s[2]);
    BOOST_TEST(s[2] != s[3]);
}

BOOST_AUTO_TEST_CASE(request_scores_depend_on_the_other_documents_independent_ones_do_not) {
    const std::vector<std::string_view> all{"red apple", "green apple", "red car", "blue sky"};
    const std::vector<std::string_view> half{"red apple", "green apple"};
    const auto all_request = scores_of("red apple", all, scoring::request_bm25);
    const auto half_request = scores_of("red apple", half, scoring::request_bm25);
    BOOST_TEST(all_request[0] != half_request[0]);

    const auto all_independent = scores_of("red apple", all, scoring::independent);
    const auto half_independent = scores_of("red apple", half, scoring::independent);
    BOOST_TEST(all_independent[0] == half_independent[0]);
    BOOST_TEST(all_independent[1] == half_independent[1]);
    BOOST_TEST(all_independent[0] > all_independent[1]);
}

BOOST_AUTO_TEST_CASE(squash_is_monotonic_from_zero_towards_one) {
    BOOST_TEST(squash(0.0, 3.0) == 0.0);
    BOOST_TEST(squash(-1.0, 3.0) == 0.0);
    double previous = 0.0;
    for (double x = 0.5; x < 50; x += 0.5) {
        const double y = squash(x, 3.0);
        BOOST_TEST(y > previous);
        BOOST_TEST(y < 1.0);
        previous = y;
    }
}

BOOST_AUTO_TEST_CASE(rank_orders_by_score_then_index_and_honours_top_n) {
    const std::vector<double> s{0.2, 0.9, 0.2, 0.5, 0.9};
    const std::vector<std::size_t> all{1, 4, 3, 0, 2};
    BOOST_TEST(rank(s, 10) == all, boost::test_tools::per_element());
    BOOST_TEST(rank(s, 5) == all, boost::test_tools::per_element());
    const std::vector<std::size_t> top2{1, 4};
    BOOST_TEST(rank(s, 2) == top2, boost::test_tools::per_element());
    BOOST_TEST(rank(s, 0).empty());
    BOOST_TEST(rank({}, 3).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(emulator_token_count)

BOOST_AUTO_TEST_CASE(the_approximation_is_the_utf8_byte_count) {
    BOOST_TEST(approximate_token_count("") == 0u);
    BOOST_TEST(approximate_token_count("hello world") == 11u);
    BOOST_TEST(approximate_token_count("北京") == 6u); // 3 bytes per CJK character
}

BOOST_AUTO_TEST_SUITE_END()
