// Request bodies, byte for byte, in both dialects.
#include "codec/encode.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using rerank::dialect;
using rerank::detail::encode_request;
using rerank::detail::encoded_size;
using rerank::detail::wire_request;

namespace {

const std::vector<std::string> two_docs = {"first doc", "second doc"};

std::string encode(dialect d, const wire_request& r) {
    std::string out = "left over from an earlier request";
    encode_request(d, r, out);
    // The size functions agree with what was written.
    BOOST_TEST(encoded_size(d, r) == out.size());
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(encode_tests)

BOOST_AUTO_TEST_CASE(compatible_minimal) {
    const wire_request r{"qwen3-rerank", "what?", two_docs, {}, {}, {}};
    BOOST_TEST(
        encode(dialect::dashscope, r) ==
        R"({"model":"qwen3-rerank","query":"what?","documents":["first doc","second doc"]})");
}

BOOST_AUTO_TEST_CASE(compatible_all_fields) {
    const wire_request r{"qwen3-rerank", "what?", two_docs, 1, std::string_view("Rank it."), true};
    // return_documents does not exist in this dialect: never sent.
    BOOST_TEST(encode(dialect::dashscope, r) ==
               R"({"model":"qwen3-rerank","query":"what?","documents":["first doc","second doc"],)"
               R"("top_n":1,"instruct":"Rank it."})");
}

BOOST_AUTO_TEST_CASE(native_minimal_has_no_parameters) {
    const wire_request r{"gte-rerank-v2", "what?", two_docs, {}, {}, {}};
    BOOST_TEST(
        encode(dialect::dashscope_native, r) ==
        R"({"model":"gte-rerank-v2","input":{"query":"what?","documents":["first doc","second doc"]}})");
}

BOOST_AUTO_TEST_CASE(native_all_fields) {
    const wire_request r{"qwen3-rerank", "what?", two_docs, 500, std::string_view("Rank it."),
                         false};
    BOOST_TEST(
        encode(dialect::dashscope_native, r) ==
        R"({"model":"qwen3-rerank","input":{"query":"what?","documents":["first doc","second doc"]},)"
        R"("parameters":{"top_n":500,"return_documents":false,"instruct":"Rank it."}})");
}

BOOST_AUTO_TEST_CASE(native_each_parameter_alone) {
    const std::vector<std::string> one = {"d"};
    const std::string prefix = R"({"model":"m","input":{"query":"q","documents":["d"]},)";
    BOOST_TEST(encode(dialect::dashscope_native, {"m", "q", one, 3, {}, {}}) ==
               prefix + R"("parameters":{"top_n":3}})");
    BOOST_TEST(encode(dialect::dashscope_native, {"m", "q", one, {}, {}, true}) ==
               prefix + R"("parameters":{"return_documents":true}})");
    BOOST_TEST(encode(dialect::dashscope_native, {"m", "q", one, {}, std::string_view(""), {}}) ==
               prefix + R"("parameters":{"instruct":""}})");
}

BOOST_AUTO_TEST_CASE(escaping_in_every_string) {
    const std::vector<std::string> docs = {"say \"hi\"",
                                           "C:\\path",
                                           "line1\nline2\ttab",
                                           std::string("nul\0bell\x07", 9),
                                           "\xE9\x95\xBF\xE5\x9F\x8E \xF0\x9F\x98\x80",
                                           ""};
    const wire_request r{"m\"x", "q\\\r", docs, {}, std::string_view("\x1F\x7F"), {}};
    BOOST_TEST(encode(dialect::dashscope, r) ==
               R"({"model":"m\"x","query":"q\\\r","documents":["say \"hi\"","C:\\path",)"
               R"("line1\nline2\ttab","nul\u0000bell\u0007",")"
               "\xE9\x95\xBF\xE5\x9F\x8E \xF0\x9F\x98\x80"
               R"(",""],"instruct":"\u001f)"
               "\x7F"
               R"("})");
}

BOOST_AUTO_TEST_CASE(a_span_of_a_larger_vector) {
    // The batcher sends contiguous ranges of the caller's documents.
    const std::vector<std::string> all = {"a", "b", "c", "d"};
    const wire_request r{"m", "q", std::span<const std::string>(all).subspan(1, 2), {}, {}, {}};
    BOOST_TEST(encode(dialect::dashscope, r) ==
               R"({"model":"m","query":"q","documents":["b","c"]})");
}

BOOST_AUTO_TEST_CASE(upper_bound_holds_for_worst_case_text) {
    const std::vector<std::string> docs(3, std::string(50, '\x01')); // every byte a \u00XX
    const std::string quotes(40, '"');
    const wire_request r{std::string_view("\x02\x03"), quotes, docs, 18446744073709551615ull,
                         std::string_view("\x04"),     false};
    for (dialect d : {dialect::dashscope, dialect::dashscope_native}) {
        std::string out;
        encode_request(d, r, out);
        BOOST_TEST(encoded_size(d, r) == out.size());
    }
}

BOOST_AUTO_TEST_CASE(reuses_the_buffer) {
    const wire_request r{"m", "q", two_docs, {}, {}, {}};
    std::string out;
    encode_request(dialect::dashscope, r, out);
    const std::string first = out;
    const char* data = out.data();
    encode_request(dialect::dashscope, r, out);
    BOOST_TEST(out == first);
    BOOST_TEST(static_cast<const void*>(out.data()) == static_cast<const void*>(data));
}

BOOST_AUTO_TEST_SUITE_END()
