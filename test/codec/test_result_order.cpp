// The order of results: score descending, then index ascending, whatever the input order.
#include "codec/result_order.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <random>

using rerank::result;
using rerank::detail::ranks_before;
using rerank::detail::sort_results;

BOOST_AUTO_TEST_SUITE(result_order)

BOOST_AUTO_TEST_CASE(score_then_index) {
    std::vector<result> r = {{3, 0.5, "d"},  {0, 1.0, "a"},  {2, 1.0, "c"},
                             {1, 0.25, "b"}, {5, -0.5, "f"}, {4, 0.5, "e"}};
    sort_results(r);
    std::vector<std::size_t> order;
    for (const auto& x : r)
        order.push_back(x.index);
    BOOST_TEST((order == std::vector<std::size_t>{0, 2, 3, 4, 1, 5}));
    BOOST_TEST(r[0].document == "a"); // documents travel with their results
}

BOOST_AUTO_TEST_CASE(negative_zero_ties_with_zero) {
    std::vector<result> r = {{1, 0.0, {}}, {0, -0.0, {}}};
    sort_results(r);
    BOOST_TEST(r[0].index == 0u);
}

BOOST_AUTO_TEST_CASE(same_order_from_any_permutation) {
    std::mt19937 rng(3);
    std::vector<result> base;
    for (std::size_t i = 0; i != 200; ++i)
        base.push_back({i, static_cast<double>(rng() % 8) / 8, {}}); // many ties
    std::vector<result> expected = base;
    sort_results(expected);
    BOOST_TEST(std::is_sorted(expected.begin(), expected.end(), ranks_before));
    for (std::size_t i = 1; i < expected.size(); ++i) {
        const bool strictly = expected[i - 1].relevance_score > expected[i].relevance_score ||
                              (expected[i - 1].relevance_score == expected[i].relevance_score &&
                               expected[i - 1].index < expected[i].index);
        BOOST_TEST_REQUIRE(strictly);
    }
    for (int round = 0; round != 20; ++round) {
        std::vector<result> shuffled = base;
        std::shuffle(shuffled.begin(), shuffled.end(), rng);
        sort_results(shuffled);
        BOOST_TEST_REQUIRE((shuffled == expected));
    }
}

BOOST_AUTO_TEST_SUITE_END()
