// The token-count estimator: its closed form against the dynamic programme it replaces, the
// 64-bit run counting, the byte-pair table, the added-token finder, and the whole bound against
// the reference estimator (estimate_reference.hpp) and against exact counts, on the corpus and on
// generated text (estimate_text.hpp) with ill-formed UTF-8, marks and text that NFC changes.
#include "corpus.hpp"
#include "estimate_reference.hpp"
#include "estimate_text.hpp"

#include <rerank/qwen3_tokenizer.hpp>
#include <rerank/token_estimate.hpp>

#include "tokenizer/added_tokens.hpp"
#include "tokenizer/estimate_added.hpp"
#include "tokenizer/estimate_runs.hpp"
#include "tokenizer/estimate_tables.hpp"

#include <boost/test/unit_test.hpp>

#include <random>
#include <string>
#include <vector>

namespace {

namespace td = rerank::tokenizer_detail;
namespace est = rerank::tokenizer_detail::estimate;
using rerank::test::reference_segmentation_bound;
using rerank::test::reference_upper_bound;

// The closed form for one piece whose pairs merge as `merges` says: bytes minus, for each run
// of m merging pairs, ceil(m / 3); counted with run_counter as the estimator does.
std::size_t closed_form(const std::vector<bool>& merges) {
    const std::size_t n = merges.size() + 1;
    est::run_counter runs;
    for (std::size_t base = 0; base < n; base += 64) {
        std::uint64_t word = 0;
        for (std::size_t j = 0; j < 64 && base + j < n; ++j)
            if (base + j >= 1 && merges[base + j - 1])
                word |= std::uint64_t{1} << j;
        runs.add(word);
    }
    return n - runs.total();
}

BOOST_AUTO_TEST_SUITE(tokenizer_estimate)

BOOST_AUTO_TEST_CASE(closed_form_equals_the_dynamic_programme) {
    std::size_t checked = 0, differ = 0;
    auto check = [&](const std::vector<bool>& merges) {
        const std::size_t dp = reference_segmentation_bound(
            merges.size() + 1, [&](std::size_t i) { return bool(merges[i - 1]); });
        ++checked;
        if (dp != closed_form(merges) && ++differ < 5)
            BOOST_ERROR("pairs " << merges.size() << ": dp " << dp << ", closed form "
                                 << closed_form(merges));
    };
    for (std::size_t pairs = 0; pairs <= 16; ++pairs) // every pattern up to 17 bytes
        for (std::uint32_t bits = 0; bits < (std::uint32_t{1} << pairs); ++bits) {
            std::vector<bool> merges(pairs);
            for (std::size_t i = 0; i < pairs; ++i)
                merges[i] = (bits >> i) & 1;
            check(merges);
        }
    std::mt19937 rng(3);
    for (int k = 0; k < 3000; ++k) { // long pieces across 64-bit words, runs of every length
        std::vector<bool> merges(1 + rng() % 700);
        const unsigned density = rng() % 5;
        for (std::size_t i = 0; i < merges.size(); ++i)
            merges[i] = rng() % 5 < density + (i / 50 % 2);
        check(merges);
    }
    BOOST_TEST(checked > 130000u);
    BOOST_TEST(differ == 0u);
}

BOOST_AUTO_TEST_CASE(run_counter_counts_ceil_thirds_across_words) {
    std::mt19937_64 rng(11);
    for (int k = 0; k < 2000; ++k) {
        est::run_counter runs;
        std::size_t expected = 0, run = 0;
        for (int w = 0, words = 1 + static_cast<int>(rng() % 6); w < words; ++w) {
            std::uint64_t x = rng();
            if (rng() % 3 == 0)
                x |= rng(); // longer runs
            if (rng() % 4 == 0)
                x = ~std::uint64_t{0};
            if (rng() % 5 == 0)
                x = 0;
            runs.add(x);
            for (int j = 0; j < 64; ++j) {
                if ((x >> j) & 1) {
                    expected += run % 3 == 0; // one for each bit at offsets 0, 3, 6 ...
                    ++run;
                } else {
                    run = 0;
                }
            }
        }
        BOOST_TEST_REQUIRE(runs.total() == expected);
    }
}

BOOST_AUTO_TEST_CASE(merge_mask_reads_the_byte_pair_merges) {
    std::mt19937 rng(5);
    const est::byte_pair_table& pairs = est::byte_pairs();
    for (int k = 0; k < 2000; ++k) {
        unsigned char block[64];
        for (auto& b : block)
            b = static_cast<unsigned char>(k % 2 ? 'a' + rng() % 26 : rng() % 256);
        const unsigned prev = rng() % 256;
        const std::size_t n = 1 + rng() % 64;
        const std::uint64_t m = est::merge_mask(pairs, block, n, prev);
        for (std::size_t j = 0; j < 64; ++j) {
            const bool expected =
                j < n && td::qwen3::byte_pair_merges_exist(j == 0 ? prev : block[j - 1], block[j]);
            BOOST_TEST_REQUIRE(((m >> j) & 1) == expected);
        }
    }
}

BOOST_AUTO_TEST_CASE(bracket_matcher_finds_what_the_added_token_matcher_finds) {
    td::added_token_matcher general;
    est::bracket_token_matcher brackets;
    for (const auto& t : td::qwen3::added_tokens) {
        general.add(t.content, t.id);
        BOOST_TEST_REQUIRE(brackets.add(t.content, t.id)); // Qwen3's are all "<...>"
    }
    BOOST_TEST(!brackets.add("a>b>", 1));
    BOOST_TEST(!brackets.add("<a", 1));
    static const std::string_view parts[] = {
        "<",           ">",          "|",         "im_end",
        "<|im_end|>",  "<think>",    "</think>",  "<|endoftext|>",
        "x",           "<|im_start", "tool_call", "/",
        "<tool_call>", "|>",         " "};
    std::mt19937 rng(17);
    for (int k = 0; k < 20000; ++k) {
        std::string text;
        for (std::size_t n = 1 + rng() % 12; n-- > 0;)
            text += parts[rng() % std::size(parts)];
        for (std::size_t from = 0; from <= text.size(); from += 1 + rng() % 4) {
            td::added_token_matcher::match a{}, b{};
            const bool found_a = general.find(text, from, a);
            const bool found_b = brackets.find(text, from, b);
            BOOST_TEST_REQUIRE(found_a == found_b, text << " from " << from);
            if (found_a) {
                BOOST_TEST_REQUIRE(a.begin == b.begin);
                BOOST_TEST_REQUIRE(a.end == b.end);
                BOOST_TEST_REQUIRE(a.id == b.id);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(bound_equals_the_reference_on_the_corpus) {
    std::size_t bound = 0, exact = 0, differ = 0, below = 0;
    for (const auto& t : rerank::test::tokenizer_corpus()) {
        const std::size_t b = rerank::qwen3_token_upper_bound(t.text);
        const std::size_t r = reference_upper_bound(t.text);
        bound += b;
        exact += t.expected;
        below += b < t.expected;
        if (b != r && ++differ < 10)
            BOOST_ERROR("line " << t.line << " (" << t.category << "): " << b << ", reference "
                                << r);
    }
    BOOST_TEST(differ == 0u);
    BOOST_TEST(below == 0u);
    BOOST_TEST_MESSAGE("corpus bound/exact " << double(bound) / double(exact));
}

BOOST_AUTO_TEST_CASE(bound_equals_the_reference_and_never_undercounts_on_generated_text) {
    const rerank::qwen3_tokenizer& tok = rerank::qwen3_tokenizer::builtin();
    rerank::test::estimate_text gen(20250101);
    std::size_t differ = 0, below = 0, ill_formed = 0, long_texts = 0;
    for (int i = 0; i < 4000; ++i) {
        const std::string text = gen.next(i % 10 == 0 ? 400 : 40, i % 3 == 0);
        const std::size_t b = rerank::qwen3_token_upper_bound(text);
        const std::size_t r = reference_upper_bound(text);
        const std::size_t n = tok.count(text);
        ill_formed += !rerank::utf8::is_valid(text);
        long_texts += text.size() > 8192;
        if (b < n && ++below < 10)
            BOOST_ERROR("text #" << i << ": bound " << b << " < count " << n);
        if (b != r && ++differ < 10)
            BOOST_ERROR("text #" << i << ": bound " << b << ", reference " << r);
    }
    BOOST_TEST(below == 0u);
    BOOST_TEST(differ == 0u);
    BOOST_TEST(ill_formed > 500u);
    BOOST_TEST(long_texts > 20u);
}

BOOST_AUTO_TEST_CASE(bound_on_edge_cases) {
    const rerank::qwen3_tokenizer& tok = rerank::qwen3_tokenizer::builtin();
    std::vector<std::string> texts = {"",
                                      "a",
                                      " ",
                                      "\n",
                                      "'",
                                      "'s",
                                      "<|im_end|>",
                                      "\xC3",
                                      "\xE0\xA6\xBE",
                                      "\xCC\x81",
                                      "\xF0\x9D\x85\xA0"};
    // Runs whose ends fall on each side of the 16-byte loads, 64-byte blocks, 4 KiB windows.
    for (const std::size_t n : {15u, 16u, 17u, 63u, 64u, 65u, 4095u, 4096u, 4097u, 9000u}) {
        for (const std::string_view unit : {"a", "7", " ", "\n", "!", "\xD0\xB6", "\xE4\xB8\xAD"}) {
            std::string s;
            for (std::size_t k = 0; k < n; ++k)
                s += unit;
            texts.push_back(s);
            texts.push_back(" " + s + "x");
            texts.push_back("x" + s + "\xCC\x81"); // a mark NFC composes at the very end
        }
    }
    for (const auto& t : texts) {
        BOOST_TEST(rerank::qwen3_token_upper_bound(t) == reference_upper_bound(t));
        BOOST_TEST(rerank::qwen3_token_upper_bound(t) >= tok.count(t));
    }
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace
