// Success bodies that must decode: the documented examples (golden files) and every tolerance.
#include "decode_support.hpp"

#include "support/paths.hpp"

#include <boost/test/unit_test.hpp>

using rerank::dialect;
using rerank::detail::decoded_response;
using rerank::detail::response_decoder;
using rerank::detail::wire_result;
using rerank::test::decode;
using rerank::test::decode_with_boost;

namespace {

std::string golden(const std::string& name) {
    return rerank::test::read_file(rerank::test::data_path("codec/" + name));
}

// Decodes a golden file and checks both parsers agree on it.
rerank::test::decode_outcome decode_golden(dialect d, const std::string& name, std::size_t docs,
                                           std::optional<std::size_t> top_n = std::nullopt) {
    const std::string body = golden(name);
    auto o = decode(d, body, docs, top_n);
    BOOST_TEST(!o.ec, name << ": " << o.diag.client_message);
    const auto b = decode_with_boost(d, body, docs);
    BOOST_TEST(b.parsed);
    BOOST_TEST(b.problem.empty());
    BOOST_TEST((b.out.results == o.out.results));
    BOOST_TEST(b.out.id == o.out.id);
    BOOST_TEST(b.out.total_tokens == o.out.total_tokens);
    return o;
}

const std::vector<wire_result> documented_results = {
    {2, 0.9306640625}, {0, 0.45123291015625}, {1, 0.0187530517578125}};

} // namespace

BOOST_AUTO_TEST_SUITE(decode_success)

BOOST_AUTO_TEST_CASE(compatible_documented_example) {
    const auto o = decode_golden(dialect::dashscope, "compatible_response.json", 3);
    BOOST_TEST(o.out.id == "2c1f6f3e-8f0e-4b4c-a2b1-7d9e5c3a1f00");
    BOOST_TEST(o.out.model == "qwen3-rerank");
    BOOST_TEST((o.out.results == documented_results));
    BOOST_TEST(o.out.total_tokens == 79u);
}

BOOST_AUTO_TEST_CASE(native_documented_example) {
    const auto o = decode_golden(dialect::dashscope_native, "native_response.json", 3);
    BOOST_TEST(o.out.id == "7b3e1d52-95c4-4f1e-9c8a-2f6d0e4b1a77");
    BOOST_TEST(o.out.model.empty());
    BOOST_TEST((o.out.results == documented_results));
    BOOST_TEST(o.out.total_tokens == 79u);
}

BOOST_AUTO_TEST_CASE(top_n_limits_the_expected_count) {
    const auto o = decode_golden(dialect::dashscope, "compatible_response.json", 3, 3);
    BOOST_TEST(o.out.results.size() == 3u);
    // top_n above the number of documents means all of them.
    BOOST_TEST(!decode_golden(dialect::dashscope, "compatible_response.json", 3, 10).ec);
    // Fewer results than documents, as top_n asked.
    const auto two = decode(dialect::dashscope_native, golden("native_input_tokens.json"), 5, 2);
    BOOST_TEST(!two.ec, two.diag.client_message);
}

BOOST_AUTO_TEST_CASE(native_without_documents_and_input_tokens) {
    const auto o = decode_golden(dialect::dashscope_native, "native_input_tokens.json", 2);
    BOOST_TEST(o.out.id == "c0ffee00-0000-4000-8000-000000000001");
    BOOST_TEST((o.out.results == std::vector<wire_result>{{1, 0.8125}, {0, 0.125}}));
    BOOST_TEST(o.out.total_tokens == 42u);
}

BOOST_AUTO_TEST_CASE(unknown_fields_everywhere) {
    const auto o = decode_golden(dialect::dashscope, "compatible_extra_fields.json", 2);
    BOOST_TEST(o.out.id == "rr-extra-1");
    BOOST_TEST(o.out.model == "qwen3-rerank");
    BOOST_TEST((o.out.results == std::vector<wire_result>{{1, 0.75}, {0, 0.5}}));
    BOOST_TEST(o.out.total_tokens == 23u);
}

BOOST_AUTO_TEST_CASE(document_as_plain_string) {
    const auto o = decode_golden(dialect::dashscope, "compatible_document_string.json", 2);
    BOOST_TEST((o.out.results == std::vector<wire_result>{{0, 0.6}, {1, 0.4}}));
}

BOOST_AUTO_TEST_CASE(integer_scores) {
    const auto o = decode_golden(dialect::dashscope, "compatible_integer_scores.json", 3);
    BOOST_TEST((o.out.results == std::vector<wire_result>{{1, 1.0}, {2, 1.0}, {0, 0.0}}));
}

BOOST_AUTO_TEST_CASE(total_tokens_wins_over_input_tokens) {
    const auto o = decode_golden(dialect::dashscope, "compatible_no_document.json", 1);
    BOOST_TEST(o.out.total_tokens == 7u);
    const auto reversed = decode(
        dialect::dashscope,
        R"({"results":[{"index":0,"relevance_score":0.5}],"usage":{"total_tokens":7,"input_tokens":5}})",
        1);
    BOOST_TEST(reversed.out.total_tokens == 7u);
    const auto none =
        decode(dialect::dashscope, R"({"results":[{"index":0,"relevance_score":0.5}]})", 1);
    BOOST_TEST(!none.ec);
    BOOST_TEST(none.out.total_tokens == 0u);
    const auto null_usage = decode(
        dialect::dashscope,
        R"({"results":[{"index":0,"relevance_score":0.5}],"usage":{"total_tokens":null}})", 1);
    BOOST_TEST(!null_usage.ec);
}

BOOST_AUTO_TEST_CASE(id_fallbacks) {
    const char* results =
        R"("results":[{"index":0,"relevance_score":0.5}],"output":{"results":[{"index":0,"relevance_score":0.5}]})";
    auto body = [&](const char* ids) { return std::string("{") + ids + results + "}"; };
    // Compatible: id, else request_id.
    BOOST_TEST(decode(dialect::dashscope, body(R"("request_id":"r","id":"i",)"), 1).out.id == "i");
    BOOST_TEST(decode(dialect::dashscope, body(R"("request_id":"r",)"), 1).out.id == "r");
    // Native: request_id, else id.
    BOOST_TEST(decode(dialect::dashscope_native, body(R"("id":"i","request_id":"r",)"), 1).out.id ==
               "r");
    BOOST_TEST(decode(dialect::dashscope_native, body(R"("id":"i",)"), 1).out.id == "i");
    // Escapes in kept strings are decoded; a repeated member replaces the earlier one.
    BOOST_TEST(
        decode(dialect::dashscope, body(R"("id":"a\"b\u00e9","model":"x","model":"q\/3",)"), 1)
            .out.id == "a\"b\xC3\xA9");
    BOOST_TEST(decode(dialect::dashscope, body(R"("model":"x","model":"q\/3",)"), 1).out.model ==
               "q/3");
}

BOOST_AUTO_TEST_CASE(integral_doubles_are_indices) {
    const auto o = decode(
        dialect::dashscope,
        R"({"results":[{"index":1.0,"relevance_score":0.5},{"index":0e0,"relevance_score":0.25}]})",
        2);
    BOOST_TEST(!o.ec, o.diag.client_message);
    BOOST_TEST((o.out.results == std::vector<wire_result>{{1, 0.5}, {0, 0.25}}));
}

BOOST_AUTO_TEST_CASE(decoder_is_reusable_and_forgets_indices) {
    response_decoder decoder;
    decoded_response out;
    rerank::diagnostics diag;
    const std::string body = golden("compatible_response.json");
    for (int i = 0; i != 3; ++i) {
        BOOST_TEST(!decoder.decode(dialect::dashscope, body, 3, std::nullopt, out, diag));
        BOOST_TEST((out.results == documented_results));
    }
    // A failure part-way (duplicate index 0) must not leave index marks for the next call.
    const char* dup =
        R"({"results":[{"index":0,"relevance_score":1},{"index":0,"relevance_score":1}]})";
    BOOST_TEST(decoder.decode(dialect::dashscope, dup, 2, std::nullopt, out, diag) ==
               rerank::errc::bad_response);
    BOOST_TEST(out.results.empty());
    const char* one = R"({"results":[{"index":0,"relevance_score":1}]})";
    BOOST_TEST(!decoder.decode(dialect::dashscope, one, 1, std::nullopt, out, diag));
    // Fewer documents than last time, then more.
    BOOST_TEST(!decoder.decode(dialect::dashscope, body, 3, std::nullopt, out, diag));
    response_decoder moved = std::move(decoder);
    BOOST_TEST(!moved.decode(dialect::dashscope, body, 3, std::nullopt, out, diag));
}

BOOST_AUTO_TEST_CASE(whitespace_and_key_order_do_not_matter) {
    const auto o = decode(dialect::dashscope_native,
                          " \r\n\t{ \"request_id\" : \"z\" , \"output\" : { \"results\" : [ { "
                          "\"relevance_score\" : 2.5e-1 , \"index\" : 0 } ] } } \n",
                          1);
    BOOST_TEST(!o.ec, o.diag.client_message);
    BOOST_TEST((o.out.results == std::vector<wire_result>{{0, 0.25}}));
    BOOST_TEST(o.out.id == "z");
}

BOOST_AUTO_TEST_SUITE_END()
