// The base URL (src/http/endpoint): what the client connects to and names in its requests,
// what is refused, and what a refusal shows.
#include "http/endpoint.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace rerank;
using rerank::detail::check_key_in_clear;
using rerank::detail::endpoint;
using rerank::detail::is_loopback_host;
using rerank::detail::parse_endpoint;

namespace {

endpoint parsed_endpoint(const std::string& url) {
    endpoint ep;
    diagnostics diag;
    const error_code ec = parse_endpoint(url, ep, diag);
    BOOST_TEST_REQUIRE(!ec, url << ": " << diag.client_message);
    return ep;
}

bool refused_url(const std::string& url) {
    endpoint ep;
    diagnostics diag;
    const error_code ec = parse_endpoint(url, ep, diag);
    return ec == errc::invalid_request && !diag.client_message.empty();
}

} // namespace

BOOST_AUTO_TEST_SUITE(endpoint_checks)

BOOST_AUTO_TEST_CASE(loopback_is_localhost_127_slash_8_and_ipv6_one) {
    for (const char* host : {"localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "127.255.255.255",
                             "::1", "0:0:0:0:0:0:0:1"})
        BOOST_TEST(is_loopback_host(host), host);
    for (const char* host :
         {"", "0.0.0.0", "128.0.0.1", "10.0.0.1", "126.255.255.255", "::", "::ffff:127.0.0.1",
          "localhost.example", "mylocalhost", "127.0.0.1.example", "example.com"})
        BOOST_TEST(!is_loopback_host(host), host);
}

BOOST_AUTO_TEST_CASE(a_key_over_plain_http_needs_loopback_or_opting_in) {
    struct row {
        const char* url;
        bool has_key;
        bool allowed;
        bool refused;
    };
    const row rows[] = {
        {"http://rerank.example/v1", true, false, true},
        {"http://10.1.2.3:8080/v1", true, false, true},
        {"http://[2001:db8::1]/v1", true, false, true},
        {"http://rerank.example/v1", true, true, false},   // opted in
        {"http://rerank.example/v1", false, false, false}, // no key, nothing to leak
        {"http://localhost:8080/v1", true, false, false},
        {"http://127.0.0.1/v1", true, false, false},
        {"http://[::1]:9000/v1", true, false, false},
        {"https://rerank.example/v1", true, false, false},
    };
    for (const row& r : rows) {
        endpoint ep;
        diagnostics diag;
        BOOST_TEST_REQUIRE(!parse_endpoint(r.url, ep, diag), r.url);
        const error_code ec = check_key_in_clear(r.url, ep, r.has_key, r.allowed, diag);
        BOOST_TEST(bool(ec) == r.refused, r.url);
        if (r.refused) {
            BOOST_TEST(ec == errc::invalid_request);
            BOOST_TEST(diag.client_message.find(r.url) != std::string::npos, diag.client_message);
            BOOST_TEST(diag.client_message.find("allow_insecure_http") != std::string::npos);
            BOOST_TEST(diag.client_message.find("--allow-insecure-http") != std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(refusals_show_the_url_without_its_secrets) {
    struct row {
        const char* url;
        const char* shown;
    };
    const row rows[] = {
        {"https://user:s3cret@host/v1", "'https://***@host/v1'"},
        {"https://host/v1?key=s3cret", "'https://host/v1?***'"},
        {"https://host/v1#s3cret", "'https://host/v1#***'"},
        {"gopher://u:s3cret@host/?s3cret", "'gopher://***@host/?***'"},
        {"https://u:s3cret@/v1", "'https://***@/v1'"},
        {"https://ho\x1bst/v1?s3cret", R"('https://ho\x1bst/v1?***')"},
    };
    for (const row& r : rows) {
        endpoint ep;
        diagnostics diag;
        BOOST_TEST(parse_endpoint(r.url, ep, diag) == errc::invalid_request, r.url);
        BOOST_TEST(diag.client_message.find(r.shown) != std::string::npos, diag.client_message);
        BOOST_TEST(diag.client_message.find("s3cret") == std::string::npos, diag.client_message);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(endpoint_parsing)

BOOST_AUTO_TEST_CASE(host_port_and_path) {
    const endpoint a = parsed_endpoint("https://dashscope-intl.aliyuncs.com/compatible-api/v1/");
    BOOST_TEST(a.tls);
    BOOST_TEST(a.host == "dashscope-intl.aliyuncs.com");
    BOOST_TEST(a.port == "443");
    BOOST_TEST(a.host_header == "dashscope-intl.aliyuncs.com");
    BOOST_TEST(a.base_path == "/compatible-api/v1");
    const endpoint b = parsed_endpoint("http://[::1]:65535");
    BOOST_TEST(!b.tls);
    BOOST_TEST(b.host == "::1");
    BOOST_TEST(b.port == "65535");
    BOOST_TEST(b.host_header == "[::1]:65535");
    BOOST_TEST(b.base_path == "");
}

// Found by test/fuzz/endpoint_fuzz.cpp: Boost.URL 1.81 keeps a port over 65535 modulo 65536
// (99999 became 34463: the client would have connected to another port).
BOOST_AUTO_TEST_CASE(ports_beyond_16_bits_are_refused) {
    BOOST_TEST(refused_url("http://127.0.0.1:99999/x"));
    BOOST_TEST(refused_url("https://example.com:65536"));
    BOOST_TEST(refused_url("https://example.com:0"));
    BOOST_TEST(refused_url("https://example.com:"));
}

// Found by test/fuzz/endpoint_fuzz.cpp: Boost.URL 1.81 takes what follows a port's digits as
// a path that does not start with '/' ("http://h:8=80" has the path "=80"), which would have
// made the request target "=80/reranks".
BOOST_AUTO_TEST_CASE(a_path_not_starting_with_a_slash_is_refused) {
    BOOST_TEST(refused_url("http://127.0.0.1:8=80"));
    BOOST_TEST(refused_url("http://h:8x/v1"));
}

BOOST_AUTO_TEST_SUITE_END()
