// Text fit to print (src/text/printable): what a server sent never reaches a terminal as a
// command, and a URL in a message never carries its user info or query.
#include "text/printable.hpp"

#include <rerank/diagnostics.hpp>
#include <rerank/error_with_diagnostics.hpp>

#include <boost/test/unit_test.hpp>

#include <random>
#include <string>

using rerank::text::printable;
using rerank::text::printable_url;
using namespace std::string_literals;

namespace {

// Whether `s` holds nothing a terminal acts on: no C0, DEL or C1 byte sequence.
bool is_inert(const std::string& s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7F)
            return false;
        if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0)
            return false;
    }
    return true;
}

} // namespace

BOOST_AUTO_TEST_SUITE(printable_text)

BOOST_AUTO_TEST_CASE(c0_controls_and_del_become_byte_escapes) {
    BOOST_TEST(printable("a\x1b[31mred\x1b[0m") == R"(a\x1b[31mred\x1b[0m)");
    BOOST_TEST(printable("line\r\nnext\x07") == R"(line\x0d\x0anext\x07)");
    BOOST_TEST(printable("tab\there\x7f") == R"(tab\x09here\x7f)");
    BOOST_TEST(printable("nul\0end"s) == R"(nul\x00end)");
}

BOOST_AUTO_TEST_CASE(well_formed_text_is_kept_as_is) {
    const std::string text =
        "Plain ASCII ~!@#$%^&*()_+{}|:\"<>? and \\ backslash, "
        "caf\xc3\xa9, \xe4\xbd\xa0\xe5\xa5\xbd, \xf0\x9f\x98\x80, NBSP\xc2\xa0.";
    BOOST_TEST(printable(text) == text);
    BOOST_TEST(printable("") == "");
}

BOOST_AUTO_TEST_CASE(c1_controls_and_reordering_characters_become_code_point_escapes) {
    BOOST_TEST(printable("\xc2\x9b"
                         "31m") == R"(\u009b31m)"); // CSI
    BOOST_TEST(printable("a\xc2\x80z\xc2\x9f") == R"(a\u0080z\u009f)");
    BOOST_TEST(printable("x\xe2\x80\xae"
                         "evil") == R"(x\u202eevil)"); // RLO
    BOOST_TEST(printable("\xe2\x81\xa6"
                         "i\xe2\x81\xa9") == R"(\u2066i\u2069)"); // LRI, PDI
    BOOST_TEST(printable("p\xe2\x80\xa8q\xe2\x80\xa9") == R"(p\u2028q\u2029)");
    BOOST_TEST(printable("\xe2\x80\x8e\xe2\x80\x8f") == R"(\u200e\u200f)");
    // Neighbours of those ranges stay.
    BOOST_TEST(printable("\xe2\x80\x8d\xe2\x80\xaf") == "\xe2\x80\x8d\xe2\x80\xaf");
}

BOOST_AUTO_TEST_CASE(ill_formed_bytes_become_byte_escapes) {
    BOOST_TEST(printable("a\xff"
                         "b") == R"(a\xffb)");
    BOOST_TEST(printable("\x80") == R"(\x80)");                 // stray continuation
    BOOST_TEST(printable("\xc0\xaf") == R"(\xc0\xaf)");         // overlong
    BOOST_TEST(printable("\xed\xa0\x80") == R"(\xed\xa0\x80)"); // surrogate
    BOOST_TEST(printable("\xe4\xbd") == R"(\xe4\xbd)");         // truncated at the end
    // A truncated sequence does not swallow the control byte after it.
    BOOST_TEST(printable("\xe4\x1b") == R"(\xe4\x1b)");
}

BOOST_AUTO_TEST_CASE(escaping_is_idempotent_and_leaves_nothing_active) {
    std::mt19937 rng(13);
    std::uniform_int_distribution<int> byte(0, 255);
    for (int round = 0; round < 2000; ++round) {
        std::string s(static_cast<std::size_t>(byte(rng) % 40), '\0');
        for (auto& c : s)
            c = static_cast<char>(byte(rng));
        const std::string once = printable(s);
        BOOST_TEST(is_inert(once));
        BOOST_TEST(printable(once) == once);
    }
}

BOOST_AUTO_TEST_CASE(urls_lose_user_info_query_and_fragment) {
    BOOST_TEST(printable_url("https://host:8443/api/v1") == "https://host:8443/api/v1");
    BOOST_TEST(printable_url("https://user:pass@host/api/v1") == "https://***@host/api/v1");
    BOOST_TEST(printable_url("https://host/api?key=sk-secret") == "https://host/api?***");
    BOOST_TEST(printable_url("https://host/api#token=sk-secret") == "https://host/api#***");
    BOOST_TEST(printable_url("http://u:p@host/a?k=v#f") == "http://***@host/a?***#***");
    // Not a well-formed URL: still no secret. A '/' in the password does not end the user info.
    BOOST_TEST(printable_url("https://user:pa/ss@host/x") == "https://***@host/x");
    BOOST_TEST(printable_url("user:pass@host?key=1") == "***@host?***");
    BOOST_TEST(printable_url("ftp://h/p?q@r") == "ftp://h/p?***");
    // And escaped.
    BOOST_TEST(printable_url("https://ho\x1bst/\r") == R"(https://ho\x1bst/\x0d)");
}

BOOST_AUTO_TEST_CASE(diagnostics_print_escaped_and_redacted) {
    rerank::diagnostics diag;
    diag.http_status = 503;
    diag.provider_code = "Busy\x1b[2J";
    diag.request_id = "r-1\r\x07";
    diag.provider_message = "try\nlater \xc2\x9b"
                            "31m";
    diag.location = "https://u:secret@elsewhere/path?sig=secret2";
    diag.attempts = 2;
    const std::string line = diag.to_string();
    BOOST_TEST(line == R"(HTTP 503, code Busy\x1b[2J, request id r-1\x0d\x07, 2 attempts: )"
                       R"(try\x0alater \u009b31m; location: https://***@elsewhere/path?***)");
    const rerank::error_with_diagnostics e(rerank::errc::server_error, diag);
    const std::string what = e.what();
    BOOST_TEST(what.find(line) != std::string::npos, what);
    BOOST_TEST(is_inert(what));
    BOOST_TEST(what.find("secret") == std::string::npos);
    // The fields themselves keep what the server sent.
    BOOST_TEST(e.diagnostics().provider_code == "Busy\x1b[2J");

    rerank::diagnostics snippet;
    snippet.client_message = "unexpected body";
    snippet.body_snippet = "<html>\x1b]0;title\x07</html>\xe4";
    BOOST_TEST(snippet.to_string() ==
               R"(unexpected body; body: <html>\x1b]0;title\x07</html>\xe4)");
}

BOOST_AUTO_TEST_SUITE_END()
