// Base URL parsing (src/http/endpoint.cpp): any bytes as a URL.
//
// Required: no crash; a refusal is `invalid_request` with a message; an accepted URL gives a
// host (non-empty), a decimal port in 1..65535, and a Host header and base path fit for a
// request head: no space, control character, '?' or '#' (and no '@', user info, in the Host
// header; a path may hold '@'), the path empty or
// starting with '/' and without a trailing '/'; and the endpoint, written back as a URL, parses
// to itself.
#include "fuzz_support.hpp"
#include "http/endpoint.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace {

[[noreturn]] void fail(const char* what, std::string_view url) {
    rerank::fuzz::fail("endpoint", what, url);
}

bool fit_for_head(std::string_view s) {
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == '?' || c == '#')
            return false;
    }
    return true;
}

bool same(const rerank::detail::endpoint& a, const rerank::detail::endpoint& b) {
    return a.tls == b.tls && a.host == b.host && a.port == b.port &&
           a.host_header == b.host_header && a.base_path == b.base_path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view url(reinterpret_cast<const char*>(data), size);
    rerank::detail::endpoint ep;
    rerank::diagnostics diag;
    const rerank::error_code ec = rerank::detail::parse_endpoint(url, ep, diag);
    if (ec) {
        if (ec != rerank::errc::invalid_request || diag.client_message.empty())
            fail("refused without invalid_request and a message", url);
        return 0;
    }
    if (ep.host.empty())
        fail("accepted without a host", url);
    if (ep.port.empty() || ep.port.size() > 5 ||
        ep.port.find_first_not_of("0123456789") != std::string::npos || ep.port[0] == '0' ||
        std::stoul(ep.port) > 65535)
        fail("accepted with a bad port", url);
    if (!fit_for_head(ep.host_header) || !fit_for_head(ep.base_path) || ep.host_header.empty() ||
        ep.host_header.find('@') != std::string::npos)
        fail("Host header or path unfit for a request head", url);
    if (!ep.base_path.empty() && (ep.base_path.front() != '/' || ep.base_path.back() == '/'))
        fail("base path not empty nor '/...' without a trailing '/'", url);
    const std::string again = (ep.tls ? "https://" : "http://") + ep.host_header + ep.base_path;
    rerank::detail::endpoint ep2;
    if (rerank::detail::parse_endpoint(again, ep2, diag) || !same(ep, ep2))
        fail("the endpoint written back as a URL does not parse to itself", url);
    return 0;
}
