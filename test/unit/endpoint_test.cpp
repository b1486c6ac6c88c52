// Base URL parsing: what the client connects to and names in its requests.
#include "http/endpoint.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace rerank;
using namespace rerank::detail;

namespace {

endpoint parsed(const std::string& url) {
    endpoint ep;
    diagnostics diag;
    const error_code ec = parse_endpoint(url, ep, diag);
    BOOST_TEST_REQUIRE(!ec, url << ": " << diag.client_message);
    return ep;
}

bool refused(const std::string& url) {
    endpoint ep;
    diagnostics diag;
    const error_code ec = parse_endpoint(url, ep, diag);
    return ec == errc::invalid_request && !diag.client_message.empty();
}

} // namespace

BOOST_AUTO_TEST_SUITE(endpoint_parsing)

BOOST_AUTO_TEST_CASE(host_port_and_path) {
    const endpoint a = parsed("https://dashscope-intl.aliyuncs.com/compatible-api/v1/");
    BOOST_TEST(a.tls);
    BOOST_TEST(a.host == "dashscope-intl.aliyuncs.com");
    BOOST_TEST(a.port == "443");
    BOOST_TEST(a.host_header == "dashscope-intl.aliyuncs.com");
    BOOST_TEST(a.base_path == "/compatible-api/v1");
    const endpoint b = parsed("http://[::1]:65535");
    BOOST_TEST(!b.tls);
    BOOST_TEST(b.host == "::1");
    BOOST_TEST(b.port == "65535");
    BOOST_TEST(b.host_header == "[::1]:65535");
    BOOST_TEST(b.base_path == "");
}

// Found by test/fuzz/endpoint_fuzz.cpp: Boost.URL 1.81 keeps a port over 65535 modulo 65536
// (99999 became 34463: the client would have connected to another port).
BOOST_AUTO_TEST_CASE(ports_beyond_16_bits_are_refused) {
    BOOST_TEST(refused("http://127.0.0.1:99999/x"));
    BOOST_TEST(refused("https://example.com:65536"));
    BOOST_TEST(refused("https://example.com:0"));
    BOOST_TEST(refused("https://example.com:"));
}

// Found by test/fuzz/endpoint_fuzz.cpp: Boost.URL 1.81 takes what follows a port's digits as
// a path that does not start with '/' ("http://h:8=80" has the path "=80"), which would have
// made the request target "=80/reranks".
BOOST_AUTO_TEST_CASE(a_path_not_starting_with_a_slash_is_refused) {
    BOOST_TEST(refused("http://127.0.0.1:8=80"));
    BOOST_TEST(refused("http://h:8x/v1"));
}

BOOST_AUTO_TEST_SUITE_END()
