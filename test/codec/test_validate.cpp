// Requests refused before sending, and header values that could split a header.
#include "codec/validate.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using rerank::diagnostics;
using rerank::errc;
using rerank::request;
using rerank::detail::validate_header_value;
using rerank::detail::validate_request;

namespace {

request good_request() {
    request r;
    r.query = "what is a reranker?";
    r.documents = {"first", "second \xE9\x95\xBF", "third"};
    return r;
}

// The message of a refused request (and checks that it was refused as invalid_request).
std::string refusal(const request& r) {
    diagnostics diag;
    const auto ec = validate_request(r, diag);
    BOOST_TEST(ec == errc::invalid_request);
    BOOST_TEST(!diag.client_message.empty());
    return diag.client_message;
}

} // namespace

BOOST_AUTO_TEST_SUITE(validate)

BOOST_AUTO_TEST_CASE(accepts_a_good_request) {
    diagnostics diag;
    request r = good_request();
    BOOST_TEST(!validate_request(r, diag));
    r.top_n = 1;
    r.instruct = "Given a question, retrieve passages that answer it.";
    r.model = "qwen3-rerank";
    r.return_documents = true;
    r.documents.push_back(""); // an empty document is the server's business
    BOOST_TEST(!validate_request(r, diag));
    BOOST_TEST(diag.client_message.empty());
}

BOOST_AUTO_TEST_CASE(structural_problems) {
    request r = good_request();
    r.query.clear();
    BOOST_TEST(refusal(r) == "the query is empty");

    r = good_request();
    r.documents.clear();
    BOOST_TEST(refusal(r) == "there are no documents");

    r = good_request();
    r.top_n = 0;
    BOOST_TEST(refusal(r).find("top_n is 0") == 0u);

    r = good_request();
    r.model = "";
    BOOST_TEST(refusal(r).find("the model override is empty") == 0u);
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_named_with_its_offset) {
    request r = good_request();
    r.query = "caf\xC3"; // truncated sequence
    BOOST_TEST(refusal(r) == "the query is not valid UTF-8 (byte offset 3)");

    r = good_request();
    r.documents.assign(20, "fine");
    r.documents[17] = "hello\xC0\xAF"; // overlong '/'
    BOOST_TEST(refusal(r) == "document 17 is not valid UTF-8 (byte offset 5)");

    r = good_request();
    r.instruct = "rank \xED\xA0\x80 these"; // a surrogate
    BOOST_TEST(refusal(r) == "instruct is not valid UTF-8 (byte offset 5)");

    r = good_request();
    r.model = "qwen\xFF";
    BOOST_TEST(refusal(r) == "the model override is not valid UTF-8 (byte offset 4)");
}

BOOST_AUTO_TEST_CASE(first_problem_wins) {
    request r = good_request();
    // assign(1, c) rather than = "\xFF": GCC 12 at -O3 warns falsely on the latter.
    r.documents[0].assign(1, '\xFF');
    r.documents[2].assign(1, '\xFF');
    BOOST_TEST(refusal(r).find("document 0 ") == 0u);
    r.query.assign(1, '\xFF');
    BOOST_TEST(refusal(r).find("the query ") == 0u);
}

BOOST_AUTO_TEST_CASE(header_values) {
    diagnostics diag;
    BOOST_TEST(!validate_header_value("API key", "sk-0123456789abcdef", diag));
    BOOST_TEST(!validate_header_value("API key", "with\ttab", diag)); // HTAB is allowed
    BOOST_TEST(!validate_header_value("workspace", "", diag));
    BOOST_TEST(diag.client_message.empty());

    const std::string secret = "sk-SECRET";
    const struct {
        std::string value;
        const char* kind;
        std::size_t offset;
    } cases[] = {
        {secret + "\r\nX-Injected: 1", "carriage return", 9},
        {secret + "\n", "line feed", 9},
        {secret + std::string(1, '\0') + "tail", "NUL", 9},
        {"\x01" + secret, "control character", 0},
        {secret + "\x7F", "control character", 9},
    };
    for (const auto& c : cases) {
        diagnostics d;
        BOOST_TEST(validate_header_value("API key", c.value, d) == errc::invalid_request);
        BOOST_TEST(d.client_message.find("API key contains") == 0u);
        BOOST_TEST(d.client_message.find(c.kind) != std::string::npos);
        BOOST_TEST(d.client_message.find("byte offset " + std::to_string(c.offset)) !=
                   std::string::npos);
        // Never the value, nor any part of it.
        BOOST_TEST(d.client_message.find("SECRET") == std::string::npos);
        BOOST_TEST(d.client_message.find("sk-") == std::string::npos);
    }
    diagnostics w;
    BOOST_TEST(validate_header_value("workspace", "ws-1\r\n", w) == errc::invalid_request);
    BOOST_TEST(w.client_message.find("workspace contains") == 0u);
    BOOST_TEST(w.client_message.find("ws-1") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
