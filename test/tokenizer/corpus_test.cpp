// The whole corpus against Hugging Face's exact counts, and the properties that must hold on
// every text of it: the estimator is an upper bound, prefix_bytes stays within its budget.
#include "corpus.hpp"

#include <rerank/qwen3_tokenizer.hpp>
#include <rerank/token_estimate.hpp>

#include <boost/test/unit_test.hpp>

#include <sstream>

namespace {

using rerank::qwen3_tokenizer;
using rerank::test::tokenizer_corpus;

BOOST_AUTO_TEST_SUITE(tokenizer_corpus_suite)

BOOST_AUTO_TEST_CASE(corpus_has_2005_texts) {
    BOOST_TEST(tokenizer_corpus().size() == 2005u);
}

BOOST_AUTO_TEST_CASE(every_count_matches_hugging_face) {
    const auto& tok = qwen3_tokenizer::builtin();
    std::size_t matched = 0, total = 0;
    for (const auto& t : tokenizer_corpus()) {
        const std::size_t n = tok.count(t.text);
        total += n;
        if (n == t.expected) {
            ++matched;
            continue;
        }
        std::ostringstream what;
        what << "line " << t.line << " (" << t.category << "): counted " << n << ", expected "
             << t.expected;
        BOOST_ERROR(what.str());
    }
    BOOST_TEST_MESSAGE("exact: " << matched << "/" << tokenizer_corpus().size());
    BOOST_TEST(matched == tokenizer_corpus().size());
    BOOST_TEST(total == 1452825u);
}

BOOST_AUTO_TEST_CASE(encode_agrees_with_count) {
    const auto& tok = qwen3_tokenizer::builtin();
    std::size_t wrong = 0;
    for (const auto& t : tokenizer_corpus()) {
        const auto ids = tok.encode(t.text);
        if (ids.size() == t.expected)
            continue;
        ++wrong;
        BOOST_ERROR("line " << t.line << " (" << t.category << "): encode gives " << ids.size()
                            << " ids, expected " << t.expected);
    }
    BOOST_TEST(wrong == 0u);
}

BOOST_AUTO_TEST_CASE(upper_bound_is_never_below_the_count) {
    std::size_t bound_total = 0, bytes_total = 0, below = 0;
    for (const auto& t : tokenizer_corpus()) {
        const std::size_t bound = rerank::qwen3_token_upper_bound(t.text);
        bound_total += bound;
        bytes_total += t.text.size();
        if (bound >= t.expected)
            continue;
        ++below;
        BOOST_ERROR("line " << t.line << " (" << t.category << "): bound " << bound << " < exact "
                            << t.expected);
    }
    BOOST_TEST(below == 0u);
    BOOST_TEST(bound_total < bytes_total); // tighter than bytes
    BOOST_TEST_MESSAGE("bound/exact " << double(bound_total) / 1452825.0 << ", bytes/exact "
                                      << double(bytes_total) / 1452825.0);
}

BOOST_AUTO_TEST_CASE(prefix_bytes_stays_within_budget) {
    const auto& tok = qwen3_tokenizer::builtin();
    std::size_t checked = 0;
    for (const auto& t : tokenizer_corpus()) {
        for (const std::size_t k : {std::size_t{0}, std::size_t{1}, std::size_t{7}, t.expected / 2,
                                    t.expected - (t.expected > 0), t.expected, std::size_t{4000}}) {
            const std::size_t cut = tok.prefix_bytes(t.text, k);
            ++checked;
            BOOST_REQUIRE(cut <= t.text.size());
            const std::size_t n = tok.count(std::string_view(t.text).substr(0, cut));
            if (n > k)
                BOOST_ERROR("line " << t.line << " k=" << k << ": prefix has " << n << " tokens");
            if (k >= t.expected && cut != t.text.size())
                BOOST_ERROR("line " << t.line << " k=" << k << ": whole text fits but was cut");
        }
    }
    BOOST_TEST(checked == 7 * tokenizer_corpus().size());
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace
