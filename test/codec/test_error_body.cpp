// Error answers: both body shapes and their variants, bodies that are not JSON, the status
// table of dashscope.md §4, and which answers may be retried.
#include "codec/body_snippet.hpp"
#include "codec/error_body.hpp"

#include "support/paths.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using rerank::diagnostics;
using rerank::errc;
using namespace rerank::detail;
using namespace std::string_literals;

namespace {

diagnostics decoded(unsigned status, std::string_view body) {
    diagnostics diag;
    decode_error_body(status, body, diag);
    BOOST_TEST(diag.http_status == status);
    return diag;
}

diagnostics with_code(std::string code, std::string message = {}) {
    diagnostics diag;
    diag.provider_code = std::move(code);
    diag.provider_message = std::move(message);
    return diag;
}

} // namespace

BOOST_AUTO_TEST_SUITE(error_body)

BOOST_AUTO_TEST_CASE(compatible_shape) {
    const auto d = decoded(
        401, rerank::test::read_file(rerank::test::data_path("codec/error_compatible.json")));
    BOOST_TEST(d.provider_code == "invalid_api_key");
    BOOST_TEST(d.provider_message == "Incorrect API key provided. ");
    BOOST_TEST(d.request_id == "e5d6c7b8-0000-4000-8000-00000000abcd");
    BOOST_TEST(d.body_snippet.empty());
}

BOOST_AUTO_TEST_CASE(native_shape) {
    const auto d =
        decoded(429, rerank::test::read_file(rerank::test::data_path("codec/error_native.json")));
    BOOST_TEST(d.provider_code == "Throttling.RateQuota");
    BOOST_TEST(d.provider_message == "Requests rate limit exceeded, please try again later.");
    BOOST_TEST(d.request_id == "1f2e3d4c-0000-4000-8000-00000000beef");
}

BOOST_AUTO_TEST_CASE(tolerated_variants) {
    auto d = decoded(
        400, R"({"code":"InvalidParameter","message":"batch size of documents is invalid"})");
    BOOST_TEST(d.provider_code == "InvalidParameter");
    BOOST_TEST(d.provider_message == "batch size of documents is invalid");
    BOOST_TEST(d.request_id.empty());

    d = decoded(500, R"({"message":"internal failure"})");
    BOOST_TEST(d.provider_code.empty());
    BOOST_TEST(d.provider_message == "internal failure");
    BOOST_TEST(d.body_snippet.empty());

    d = decoded(503, R"({"error":"model is loading"})");
    BOOST_TEST(d.provider_message == "model is loading");

    d = decoded(
        400,
        R"({"error":{"message":"bad","type":"invalid_request_error","param":null,"code":null}})");
    BOOST_TEST(d.provider_code == "invalid_request_error"); // type stands in for a null code
    BOOST_TEST(d.provider_message == "bad");

    d = decoded(429, R"({"code":429,"message":"slow down","id":"abc"})");
    BOOST_TEST(d.provider_code == "429");
    BOOST_TEST(d.request_id == "abc");

    d = decoded(400, R"({"error":{"code":-7,"message":"neg"},"request_id":"r"})");
    BOOST_TEST(d.provider_code == "-7");
    BOOST_TEST(d.request_id == "r");
}

BOOST_AUTO_TEST_CASE(a_header_request_id_is_kept_when_the_body_has_none) {
    diagnostics diag;
    diag.request_id = "from-header";
    decode_error_body(500, R"({"message":"x"})", diag);
    BOOST_TEST(diag.request_id == "from-header");
    decode_error_body(500, R"({"message":"x","request_id":"from-body"})", diag);
    BOOST_TEST(diag.request_id == "from-body");
}

BOOST_AUTO_TEST_CASE(bodies_that_are_not_json) {
    const std::string html =
        rerank::test::read_file(rerank::test::data_path("codec/error_gateway.html"));
    auto d = decoded(502, html);
    BOOST_TEST(d.provider_code.empty());
    BOOST_TEST(d.provider_message.empty());
    BOOST_TEST(d.body_snippet ==
               "<html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 "
               "Bad Gateway</h1></center> <hr><center>nginx</center> </body> </html> ");

    d = decoded(504, "");
    BOOST_TEST(d.body_snippet.empty());
    BOOST_TEST(d.provider_message.empty());

    d = decoded(500, R"({"error":{"message":"trunc)");
    BOOST_TEST(d.provider_message.empty());
    BOOST_TEST(d.body_snippet == R"({"error":{"message":"trunc)");

    // JSON, but nothing we recognise: shown raw as well.
    d = decoded(500, R"(["unexpected"])");
    BOOST_TEST(d.body_snippet == R"(["unexpected"])");
    d = decoded(500, R"({"details":"x"})");
    BOOST_TEST(d.body_snippet == R"({"details":"x"})");
    // FastAPI's `detail` is read (test_dialects.cpp has its list form).
    d = decoded(500, R"({"detail":"x"})");
    BOOST_TEST(d.provider_message == "x");
}

BOOST_AUTO_TEST_CASE(snippets_are_bounded_and_printable) {
    const std::string big(5000, 'x');
    BOOST_TEST(make_body_snippet(big).size() == diagnostics::max_snippet_bytes);
    BOOST_TEST(decoded(502, big).body_snippet.size() == diagnostics::max_snippet_bytes);

    // Never cut inside a character: 170 three-byte characters are 510 bytes, the next would
    // end at 513.
    std::string cjk;
    for (int i = 0; i != 200; ++i)
        cjk += "\xE9\x95\xBF";
    const std::string s = make_body_snippet(cjk);
    BOOST_TEST(s.size() == 510u);
    BOOST_TEST(s == cjk.substr(0, 510));

    // Controls become spaces (C0, DEL, C1); bytes that are not UTF-8 become U+FFFD.
    BOOST_TEST(make_body_snippet("a\r\nb\tc\x7F"
                                 "d\xC2\x85"
                                 "e"s +
                                 '\0') == "a  b c d e ");
    BOOST_TEST(make_body_snippet("ok\xFF\xC3") == "ok\xEF\xBF\xBD\xEF\xBF\xBD");
    BOOST_TEST(make_body_snippet("abcdef", 3) == "abc");
    BOOST_TEST(make_body_snippet("ab\xFF", 4) == "ab"); // U+FFFD would not fit
}

BOOST_AUTO_TEST_CASE(status_table) {
    const diagnostics none;
    const struct {
        unsigned status;
        errc expected;
    } rows[] = {
        {100, errc::unexpected_status},
        {101, errc::unexpected_status},
        {200, errc::unexpected_status},
        {204, errc::unexpected_status},
        {301, errc::redirect_not_followed},
        {302, errc::redirect_not_followed},
        {307, errc::redirect_not_followed},
        {308, errc::redirect_not_followed},
        {400, errc::bad_request},
        {401, errc::authentication_failed},
        {402, errc::bad_request},
        {403, errc::permission_denied},
        {404, errc::not_found},
        {405, errc::bad_request},
        {408, errc::server_error},
        {409, errc::bad_request},
        {413, errc::request_too_large},
        {415, errc::bad_request},
        {422, errc::bad_request},
        {429, errc::rate_limited},
        {451, errc::bad_request},
        {499, errc::bad_request},
        {500, errc::server_error},
        {501, errc::server_error},
        {502, errc::server_error},
        {503, errc::server_error},
        {504, errc::server_error},
        {599, errc::server_error},
        {0, errc::unexpected_status},
        {600, errc::unexpected_status},
        {999, errc::unexpected_status},
    };
    for (const auto& row : rows)
        BOOST_TEST((classify_status(row.status, none) == row.expected), "HTTP " << row.status);
}

BOOST_AUTO_TEST_CASE(billing_versus_throttling) {
    for (const char* code : {"Throttling", "Throttling.RateQuota", "Throttling.AllocationQuota",
                             "throttling.ratequota", "SomethingNew", ""}) {
        BOOST_TEST((classify_status(429, with_code(code)) == errc::rate_limited), code);
    }
    // A throttling code is throttling whatever its message says.
    BOOST_TEST(
        (classify_status(429, with_code("Throttling.AllocationQuota",
                                        "Free allocated quota exceeded.")) == errc::rate_limited));
    for (const char* code : {"PrepaidBillOverdue", "CommodityNotPurchased", "Arrearage",
                             "arrearage", "insufficient_quota"}) {
        BOOST_TEST((classify_status(429, with_code(code)) == errc::quota_exceeded), code);
    }
    const auto free_quota = with_code("AllocationQuota", "Free allocated quota exceeded.");
    BOOST_TEST((classify_status(429, free_quota) == errc::quota_exceeded));

    // 400: arrears are billing, the rest are the request's fault.
    BOOST_TEST((classify_status(400, with_code("Arrearage", "Access denied, account in arrears")) ==
                errc::quota_exceeded));
    for (const char* code : {"InvalidParameter", "invalid_request_error", "BadRequest.EmptyInput",
                             "DataInspectionFailed"})
        BOOST_TEST((classify_status(400, with_code(code)) == errc::bad_request), code);
    // 403's free-tier code is a permission, not billing.
    BOOST_TEST((classify_status(403, with_code("AllocationQuota.FreeTierOnly")) ==
                errc::permission_denied));
}

BOOST_AUTO_TEST_CASE(end_to_end_from_bodies) {
    auto d = decoded(
        429,
        R"({"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"},"request_id":"q"})");
    BOOST_TEST((classify_status(429, d) == errc::quota_exceeded));
    d = decoded(
        429,
        R"({"error":{"message":"Requests rate limit exceeded","type":"rate_limit_error","code":"rate_limit_exceeded"},"request_id":"r"})");
    BOOST_TEST((classify_status(429, d) == errc::rate_limited));
    d = decoded(
        429,
        R"({"request_id":"b","code":"PrepaidBillOverdue","message":"The prepaid bill is overdue."})");
    BOOST_TEST((classify_status(429, d) == errc::quota_exceeded));
    d = decoded(429, "<html>Too Many Requests</html>");
    BOOST_TEST((classify_status(429, d) == errc::rate_limited));
}

BOOST_AUTO_TEST_SUITE_END()
