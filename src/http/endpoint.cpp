#include "http/endpoint.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace rerank::detail {

namespace {
error_code refuse(diagnostics& diag, std::string_view base_url, std::string_view why) {
    diag.client_message = "invalid base URL '" + std::string(base_url) + "': " + std::string(why);
    return errc::invalid_request;
}
} // namespace

error_code parse_endpoint(std::string_view base_url, endpoint& out, diagnostics& diag) {
    auto parsed = boost::urls::parse_absolute_uri(base_url);
    if (!parsed)
        return refuse(diag, base_url, "not an absolute URL");
    const boost::urls::url_view& url = *parsed;

    const auto scheme = url.scheme_id();
    if (scheme != boost::urls::scheme::https && scheme != boost::urls::scheme::http)
        return refuse(diag, base_url, "the scheme must be https:// (or http:// for local servers)");
    if (url.has_userinfo())
        return refuse(diag, base_url, "credentials in the URL are not supported; use api_key");
    if (url.has_query() || url.has_fragment())
        return refuse(diag, base_url, "a base URL has no query or fragment");

    endpoint ep;
    ep.tls = scheme == boost::urls::scheme::https;
    switch (url.host_type()) {
    case boost::urls::host_type::name:
    case boost::urls::host_type::ipv4:
        ep.host = url.encoded_host();
        break;
    case boost::urls::host_type::ipv6:
        ep.host = url.host_address();
        break;
    default:
        return refuse(diag, base_url, "no usable host");
    }
    if (ep.host.empty())
        return refuse(diag, base_url, "no host");

    if (url.has_port()) {
        // Boost.URL 1.81's port_number() keeps a larger port modulo 65536 (99999 -> 34463):
        // read the digits here.
        const std::string_view digits = url.port();
        if (digits.empty() || digits.size() > 5 || std::stoul(std::string(digits)) > 65535 ||
            url.port_number() == 0)
            return refuse(diag, base_url, "invalid port");
        ep.port = std::to_string(url.port_number());
    } else {
        ep.port = ep.tls ? "443" : "80";
    }
    ep.host_header = std::string(url.encoded_authority());

    ep.base_path = url.encoded_path();
    // Boost.URL 1.81 takes what follows a port's digits as the path ("http://h:8=80" has the
    // path "=80"); a request target needs the path to start with '/'.
    if (!ep.base_path.empty() && ep.base_path.front() != '/')
        return refuse(diag, base_url, "invalid port or path");
    while (!ep.base_path.empty() && ep.base_path.back() == '/')
        ep.base_path.pop_back();
    out = std::move(ep);
    return {};
}

} // namespace rerank::detail
