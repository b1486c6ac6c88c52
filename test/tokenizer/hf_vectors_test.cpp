// 3,000 generated strings aimed at the corners (every Unicode version, marks, jamo, contractions,
// whitespace, added tokens), with the ids Hugging Face's tokenizer gives them
// (test/data/tokenizer/hf_vectors.jsonl, made by test/tokenizer/make_hf_vectors.mjs).
#include <rerank/qwen3_tokenizer.hpp>
#include <rerank/token_estimate.hpp>

#include "support/paths.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <sstream>

namespace {

BOOST_AUTO_TEST_SUITE(tokenizer_hf_vectors)

BOOST_AUTO_TEST_CASE(ids_match_hugging_face) {
    const auto& tok = rerank::qwen3_tokenizer::builtin();
    std::istringstream in(
        rerank::test::read_file(rerank::test::data_path("tokenizer/hf_vectors.jsonl")));
    std::size_t line_no = 0, wrong = 0, bound_below = 0, prefix_over = 0;
    for (std::string line; std::getline(in, line);) {
        ++line_no;
        const auto v = boost::json::parse(line).as_object();
        const std::string text(v.at("text").as_string());
        std::vector<std::uint32_t> expected;
        for (const auto& id : v.at("ids").as_array())
            expected.push_back(static_cast<std::uint32_t>(id.to_number<std::int64_t>()));
        if (tok.encode(text) != expected || tok.count(text) != expected.size()) {
            ++wrong;
            BOOST_ERROR("hf_vectors.jsonl line " << line_no << ": ids differ from Hugging Face's");
        }
        if (rerank::qwen3_token_upper_bound(text) < expected.size())
            ++bound_below;
        const std::size_t k = expected.size() / 2;
        if (tok.count(std::string_view(text).substr(0, tok.prefix_bytes(text, k))) > k)
            ++prefix_over;
    }
    BOOST_TEST(line_no == 3000u);
    BOOST_TEST(wrong == 0u);
    BOOST_TEST(bound_below == 0u);
    BOOST_TEST(prefix_over == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace
