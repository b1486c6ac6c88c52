// The public tokenizer API on known strings: the README's spot checks, ids looked up by hand in
// Qwen3's tokenizer.json, long runs, ill-formed UTF-8, concurrent use.
#include "corpus.hpp"

#include <rerank/qwen3_tokenizer.hpp>

#include "tokenizer/nfc.hpp"
#include "tokenizer/piece_cache.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <thread>
#include <vector>

namespace {

using rerank::qwen3_tokenizer;
using ids = std::vector<std::uint32_t>;

const qwen3_tokenizer& tok() {
    return qwen3_tokenizer::builtin();
}

std::string repeat(std::string_view s, std::size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (std::size_t i = 0; i < n; ++i)
        out += s;
    return out;
}

BOOST_AUTO_TEST_SUITE(tokenizer_api)

BOOST_AUTO_TEST_CASE(readme_spot_checks) {
    BOOST_TEST(tok().count("Hello world") == 2u);
    BOOST_TEST(tok().count("12345") == 5u);
    BOOST_TEST(tok().count("你好，世界！") == 4u);
    BOOST_TEST(tok().count("😀👍🏽🇯🇵") == 5u);
    BOOST_TEST(tok().count("a    b") == 3u);
    BOOST_TEST(tok().count("Cafe\u0301") == 3u);
    BOOST_TEST(tok().count("Cafe\u0301") == tok().count("Caf\u00e9"));
    BOOST_TEST(tok().count("<|im_start|>user\nhi<|im_end|>") == 5u);
    BOOST_TEST(tok().count("") == 0u);
}

BOOST_AUTO_TEST_CASE(ids_match_the_vocabulary) {
    // Ids of "Hello", "Ġworld", "1".."5", "ä½łå¥½" (你好), "ï¼Į" (，), "ä¸ĸçķĮ" (世界),
    // "ï¼ģ" (！), "user", "Ċ" (\n), "hi", "a", "ĠĠĠ", "Ġb" in tokenizer.json's "vocab", and of
    // the added tokens <|im_start|>, <|im_end|>.
    BOOST_TEST(tok().encode("Hello world") == (ids{9707, 1879}), boost::test_tools::per_element());
    BOOST_TEST(tok().encode("12345") == (ids{16, 17, 18, 19, 20}),
               boost::test_tools::per_element());
    BOOST_TEST(tok().encode("你好，世界！") == (ids{108386, 3837, 99489, 6313}),
               boost::test_tools::per_element());
    BOOST_TEST(tok().encode("<|im_start|>user\nhi<|im_end|>") ==
                   (ids{151644, 872, 198, 6023, 151645}),
               boost::test_tools::per_element());
    BOOST_TEST(tok().encode("a    b") == (ids{64, 262, 293}), boost::test_tools::per_element());
    BOOST_TEST(tok().encode("Cafe\u0301") == tok().encode("Caf\u00e9"),
               boost::test_tools::per_element());
    BOOST_TEST(tok().vocab_size() == 151669u);
}

BOOST_AUTO_TEST_CASE(added_tokens_are_leftmost_longest_and_literal) {
    BOOST_TEST(tok().encode("<|endoftext|><think></think>") == (ids{151643, 151667, 151668}),
               boost::test_tools::per_element());
    // Not an added token once a character differs; NFC does not apply inside added tokens.
    BOOST_TEST(tok().count("<|im_start |>") > 1u);
    BOOST_TEST(tok().count("x<tool_call>y") == 3u);
}

BOOST_AUTO_TEST_CASE(decode_gives_back_the_nfc_text) {
    const auto& corpus = rerank::test::tokenizer_corpus();
    std::string scratch;
    for (const auto& t : corpus) {
        const std::string nfc(rerank::tokenizer_detail::nfc_view(t.text, scratch));
        if (t.category == "special_tokens")
            continue; // NFC does not apply inside added tokens
        if (tok().decode(tok().encode(t.text)) != nfc)
            BOOST_ERROR("line " << t.line << ": decode(encode(text)) is not NFC(text)");
    }
    BOOST_TEST(tok().decode(tok().encode("Cafe\u0301")) == "Caf\u00e9");
    BOOST_CHECK_THROW(tok().decode(ids{999999}), std::out_of_range);
}

BOOST_AUTO_TEST_CASE(counts_without_the_piece_cache_are_the_same) {
    using rerank::tokenizer_detail::piece_count_cache;
    piece_count_cache::enable_for_this_thread(false);
    std::size_t mismatches = 0;
    for (const auto& t : rerank::test::tokenizer_corpus())
        if (tok().count(t.text) != t.expected)
            ++mismatches;
    piece_count_cache::enable_for_this_thread(true);
    BOOST_TEST(mismatches == 0u);
}

BOOST_AUTO_TEST_CASE(hundred_thousand_identical_characters) {
    for (const std::string_view c : {"a", " ", "中", "😀", "\n", "7", "!", "\u00e9"}) {
        const std::string text = repeat(c, 100000);
        const std::size_t n = tok().count(text);
        BOOST_TEST(n > 0u);
        BOOST_TEST(n <= text.size());
        const auto encoded = tok().encode(text);
        BOOST_TEST(encoded.size() == n);
        BOOST_TEST(tok().decode(encoded) == text);
    }
    // Every digit is its own token.
    BOOST_TEST(tok().count(repeat("7", 100000)) == 100000u);
}

BOOST_AUTO_TEST_CASE(ill_formed_utf8_reads_as_replacement_characters) {
    const std::string fffd = "\xEF\xBF\xBD";
    BOOST_TEST(tok().count("\xFF") == tok().count(fffd));
    BOOST_TEST(tok().count("ab\xE4\xBD") == tok().count("ab" + fffd)); // truncated sequence
    BOOST_TEST(tok().count("\xC0\xAF") == tok().count(fffd + fffd));   // overlong: two subparts
    BOOST_TEST(tok().count("\xED\xA0\x80") == tok().count(fffd + fffd + fffd)); // surrogate
    BOOST_TEST(tok().encode("x\x80y") == tok().encode("x" + fffd + "y"),
               boost::test_tools::per_element());
    const std::string bad = "caf\xC3 \xF0\x9F\x98 end\xFF";
    const std::size_t cut = tok().prefix_bytes(bad, 2);
    BOOST_TEST(cut <= bad.size());
    BOOST_TEST(tok().count(std::string_view(bad).substr(0, cut)) <= 2u);
}

BOOST_AUTO_TEST_CASE(prefix_bytes_examples) {
    BOOST_TEST(tok().prefix_bytes("Hello world", 1) == 5u);
    BOOST_TEST(tok().prefix_bytes("Hello world", 2) == 11u);
    BOOST_TEST(tok().prefix_bytes("Hello world", 0) == 0u);
    BOOST_TEST(tok().prefix_bytes("12345", 3) == 3u);
    BOOST_TEST(tok().prefix_bytes("", 0) == 0u);
    // Never inside an added token.
    BOOST_TEST(tok().prefix_bytes("ab<|im_end|>cd", 1) <= 2u);
    BOOST_TEST(tok().prefix_bytes("<|im_end|>cd", 1) == 10u);
    // Never between a character and the marks NFC joins to it.
    const std::size_t cut = tok().prefix_bytes("Cafe\u0301 au lait", 1);
    BOOST_TEST(tok().count(std::string_view("Cafe\u0301 au lait").substr(0, cut)) <= 1u);
    // The batcher's case: a long document cut to exactly 4,000 tokens.
    const std::string doc = repeat("The quick brown fox jumps over the lazy dog. ", 2000);
    const std::size_t at = tok().prefix_bytes(doc, 4000);
    BOOST_TEST(tok().count(std::string_view(doc).substr(0, at)) == 4000u);
}

BOOST_AUTO_TEST_CASE(concurrent_counts_agree) {
    const auto& corpus = rerank::test::tokenizer_corpus();
    std::vector<std::size_t> wrong(4, 0);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < wrong.size(); ++t)
        threads.emplace_back([&, t] {
            for (std::size_t i = t; i < corpus.size(); i += 3)
                if (tok().count(corpus[i].text) != corpus[i].expected)
                    ++wrong[t];
        });
    for (auto& th : threads)
        th.join();
    for (const std::size_t w : wrong)
        BOOST_TEST(w == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace
