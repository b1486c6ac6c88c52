// Success-status bodies that must be refused as bad_response, each with a precise message.
#include "decode_support.hpp"

#include "support/paths.hpp"

#include <boost/test/unit_test.hpp>

using rerank::dialect;
using rerank::errc;
using rerank::test::decode;
using rerank::test::decode_with_boost;

namespace {

constexpr auto compatible = dialect::dashscope;
constexpr auto native = dialect::dashscope_native;

// Decodes `body`, expects bad_response with exactly `message`, and returns the diagnostics.
rerank::diagnostics expect_bad(dialect d, const std::string& body, std::size_t documents,
                               std::optional<std::size_t> top_n, const std::string& message) {
    const auto o = decode(d, body, documents, top_n);
    BOOST_TEST(o.ec == errc::bad_response, body);
    BOOST_TEST(o.diag.client_message == message, body);
    BOOST_TEST(o.out.results.empty());
    // The handler reaches the same verdict under Boost's parser, for problems it finds itself.
    const auto b = decode_with_boost(d, body, documents);
    if (b.parsed && !b.problem.empty())
        BOOST_TEST(b.problem == message, body);
    return o.diag;
}

// A compatible body with these results.
std::string with_results(const std::string& results) {
    return R"({"id":"rid-1","results":[)" + results + R"(],"usage":{"total_tokens":5}})";
}

} // namespace

BOOST_AUTO_TEST_SUITE(decode_errors)

BOOST_AUTO_TEST_CASE(not_json) {
    const std::string html =
        rerank::test::read_file(rerank::test::data_path("codec/error_gateway.html"));
    const auto diag = expect_bad(compatible, html, 3, std::nullopt,
                                 "the response is not valid JSON (syntax error at byte 0)");
    BOOST_TEST(diag.body_snippet.find("<html> <head><title>502 Bad Gateway") == 0u);
    BOOST_TEST(diag.request_id.empty());

    expect_bad(compatible, "", 3, std::nullopt, "the response body is empty");
    expect_bad(compatible, "NaN", 1, std::nullopt,
               "the response is not valid JSON (syntax error at byte 0)");
    // Not JSON even if it starts well: a score of NaN.
    expect_bad(compatible, with_results(R"({"index":0,"relevance_score":NaN})"), 1, std::nullopt,
               "the response is not valid JSON (syntax error at byte 54)");
}

BOOST_AUTO_TEST_CASE(truncated_json_keeps_the_request_id_seen) {
    const std::string body =
        rerank::test::read_file(rerank::test::data_path("codec/compatible_response.json"));
    const std::string cut = body.substr(0, body.size() / 2);
    const auto o = decode(compatible, cut, 3);
    BOOST_TEST(o.ec == errc::bad_response);
    BOOST_TEST(o.diag.client_message == "the response is not valid JSON (incomplete JSON at byte " +
                                            std::to_string(cut.size()) + ")");
    BOOST_TEST(o.diag.request_id == "2c1f6f3e-8f0e-4b4c-a2b1-7d9e5c3a1f00");
    BOOST_TEST(o.diag.body_snippet.size() <= rerank::diagnostics::max_snippet_bytes);
    BOOST_TEST(o.diag.body_snippet.find("{   \"id\": \"2c1f6f3e") == 0u); // newlines became spaces
}

BOOST_AUTO_TEST_CASE(not_an_object) {
    auto diag = expect_bad(compatible, R"([{"index":0,"relevance_score":1}])", 1, std::nullopt,
                           "the response is not a JSON object");
    BOOST_TEST(diag.body_snippet == R"([{"index":0,"relevance_score":1}])");
    diag = expect_bad(compatible, R"("Service Unavailable")", 1, std::nullopt,
                      "the response is not a JSON object");
    BOOST_TEST(diag.body_snippet == R"("Service Unavailable")");
    expect_bad(compatible, "null", 1, std::nullopt, "the response is not a JSON object");
}

BOOST_AUTO_TEST_CASE(missing_or_misplaced_results) {
    expect_bad(compatible, R"({"id":"x","data":[]})", 1, std::nullopt,
               R"(the response has no "results" array)");
    // Each dialect looks in its own place only.
    expect_bad(compatible, R"({"output":{"results":[{"index":0,"relevance_score":1}]}})", 1,
               std::nullopt, R"(the response has no "results" array)");
    expect_bad(native, R"({"results":[{"index":0,"relevance_score":1}],"request_id":"n1"})", 1,
               std::nullopt, R"(the response has no "output.results" array)");
    expect_bad(compatible, R"({"results":{"0":1}})", 1, std::nullopt,
               "results is an object, not an array");
    expect_bad(compatible, R"({"results":null})", 1, std::nullopt, "results is null, not an array");
    expect_bad(native, R"({"output":{"results":"none"}})", 1, std::nullopt,
               "output.results is a string, not an array");
    expect_bad(
        compatible,
        R"({"results":[{"index":0,"relevance_score":1}],"results":[{"index":0,"relevance_score":1}]})",
        1, std::nullopt, "the response has more than one results array");
}

BOOST_AUTO_TEST_CASE(results_that_are_not_objects) {
    expect_bad(compatible, with_results(R"({"index":0,"relevance_score":1},[0,1])"), 2,
               std::nullopt, "result 1 is not an object");
    expect_bad(compatible, with_results(R"(7)"), 1, std::nullopt, "result 0 is not an object");
    expect_bad(compatible, with_results(R"(null)"), 1, std::nullopt, "result 0 is not an object");
}

BOOST_AUTO_TEST_CASE(bad_indices) {
    std::string ten;
    for (int i = 0; i != 3; ++i)
        ten += R"({"index":)" + std::to_string(i) + R"(,"relevance_score":0.5},)";
    const auto diag =
        expect_bad(compatible, with_results(ten + R"({"index":12,"relevance_score":0.5})"), 10,
                   std::nullopt, "result 3: index 12 is out of range (10 documents)");
    BOOST_TEST(diag.request_id == "rid-1");
    BOOST_TEST(diag.body_snippet.empty());

    // One result whose index is the JSON text `index`, in answer to `documents` documents.
    struct bad_index {
        const char* index;
        std::size_t documents;
        const char* message;
    };
    const bad_index cases[] = {
        {"1", 1, "result 0: index 1 is out of range (1 documents)"},
        {"-1", 1, "result 0: index -1 is negative"},
        {"1.5", 2, "result 0: index 1.5 is not a non-negative integer"},
        {"-0.5", 2, "result 0: index -0.5 is not a non-negative integer"},
        {"1e999", 2, "result 0: index 1e999 is not a non-negative integer"},
        {"18446744073709551615", 2,
         "result 0: index 18446744073709551615 is out of range (2 documents)"},
        {R"("0")", 1, "result 0: index is a string, not a number"},
        {"null", 1, "result 0: index is null, not a number"},
        {"true", 1, "result 0: index is a boolean, not a number"},
        {"[0]", 1, "result 0: index is an array, not a number"},
    };
    for (const bad_index& c : cases)
        expect_bad(
            compatible,
            with_results(R"({"index":)" + std::string(c.index) + R"(,"relevance_score":0.5})"),
            c.documents, std::nullopt, c.message);
    expect_bad(compatible, with_results(R"({"relevance_score":0.5})"), 1, std::nullopt,
               R"(result 0: "index" is missing)");
}

BOOST_AUTO_TEST_CASE(duplicate_index) {
    const auto diag = expect_bad(
        native,
        R"({"output":{"results":[{"index":2,"relevance_score":0.9},{"index":0,"relevance_score":0.5},)"
        R"({"index":2,"relevance_score":0.1}]},"request_id":"native-dup"})",
        3, std::nullopt, "result 2: index 2 repeats result 0");
    // The request id came after the results: still reported.
    BOOST_TEST(diag.request_id == "native-dup");
}

BOOST_AUTO_TEST_CASE(bad_scores) {
    expect_bad(compatible, with_results(R"({"index":0,"relevance_score":1e999})"), 1, std::nullopt,
               "result 0: relevance_score 1e999 is not a finite number");
    expect_bad(compatible, with_results(R"({"index":0,"relevance_score":-1E+400})"), 1,
               std::nullopt, "result 0: relevance_score -1E+400 is not a finite number");
    expect_bad(compatible, with_results(R"({"index":0,"relevance_score":"0.5"})"), 1, std::nullopt,
               "result 0: relevance_score is a string, not a number");
    expect_bad(compatible, with_results(R"({"index":0,"relevance_score":null})"), 1, std::nullopt,
               "result 0: relevance_score is null, not a number");
    expect_bad(compatible, with_results(R"({"index":0,"relevance_score":{"value":0.5}})"), 1,
               std::nullopt, "result 0: relevance_score is an object, not a number");
    expect_bad(compatible, with_results(R"({"index":0})"), 1, std::nullopt,
               R"(result 0: "relevance_score" is missing)");
}

BOOST_AUTO_TEST_CASE(wrong_counts) {
    const std::string two =
        with_results(R"({"index":0,"relevance_score":0.5},{"index":2,"relevance_score":0.25})");
    auto diag = expect_bad(compatible, two, 3, std::nullopt, "2 results, expected 3 (3 documents)");
    BOOST_TEST(diag.request_id == "rid-1");
    expect_bad(compatible, two, 5, 3, "2 results, expected 3 (5 documents, top_n 3)");
    expect_bad(compatible, two, 5, 1, "2 results, expected 1 (5 documents, top_n 1)");
    expect_bad(compatible, with_results(""), 1, std::nullopt,
               "0 results, expected 1 (1 documents)");
    BOOST_TEST(!decode(compatible, two, 5, 2).ec);
    // "top_n larger than the number of documents means all".
    const std::string both =
        with_results(R"({"index":1,"relevance_score":0.5},{"index":0,"relevance_score":0.25})");
    BOOST_TEST(!decode(compatible, both, 2, 7).ec);
}

BOOST_AUTO_TEST_CASE(bad_usage) {
    const std::string r = R"("results":[{"index":0,"relevance_score":0.5}])";
    expect_bad(compatible, "{" + r + R"(,"usage":{"total_tokens":-3}})", 1, std::nullopt,
               "usage.total_tokens -3 is not a non-negative integer");
    expect_bad(compatible, "{" + r + R"(,"usage":{"input_tokens":"7"}})", 1, std::nullopt,
               "usage.input_tokens is a string, not a non-negative integer");
    expect_bad(compatible, "{" + r + R"(,"usage":{"total_tokens":2.5}})", 1, std::nullopt,
               "usage.total_tokens 2.5 is not a non-negative integer");
}

BOOST_AUTO_TEST_CASE(first_problem_is_reported) {
    expect_bad(
        compatible,
        with_results(R"({"index":5,"relevance_score":"x"},{"index":-1,"relevance_score":0.5})"), 2,
        std::nullopt, "result 0: index 5 is out of range (2 documents)");
}

BOOST_AUTO_TEST_CASE(kept_strings_must_be_utf8) {
    expect_bad(compatible, "{\"id\":\"\xFF\",\"results\":[]}", 0, std::nullopt,
               "the response is not valid JSON (string is not valid UTF-8 at byte 7)");
    // The echoed documents are not looked at.
    BOOST_TEST(
        !decode(
             compatible,
             "{\"results\":[{\"index\":0,\"relevance_score\":1,\"document\":{\"text\":\"\xFF\"}}]}",
             1)
             .ec);
}

BOOST_AUTO_TEST_SUITE_END()
