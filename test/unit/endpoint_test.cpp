// The base URL's checks (src/http/endpoint): what is refused, and what the refusal shows.
#include "http/endpoint.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace rerank;
using rerank::detail::check_key_in_clear;
using rerank::detail::endpoint;
using rerank::detail::is_loopback_host;
using rerank::detail::parse_endpoint;

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
