#include "http/endpoint.hpp"

#include "text/url_authority.hpp"

#include "text/printable.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string>

namespace rerank::detail {

namespace {
// The URL is echoed without its user info and query: they are where secrets end up.
error_code refuse(diagnostics& diag, std::string_view base_url, std::string_view why) {
    diag.client_message =
        "invalid base URL '" + text::printable_url(base_url) + "': " + std::string(why);
    return errc::invalid_request;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}
} // namespace

bool is_loopback_host(std::string_view host) {
    if (equals_ignoring_case(host, "localhost"))
        return true;
    // inet_pton rather than Asio's address parser: this file is also built without Asio's
    // compiled part (the fuzz targets).
    const std::string text(host);
    unsigned char v4[4];
    if (inet_pton(AF_INET, text.c_str(), v4) == 1)
        return v4[0] == 127;
    in6_addr v6;
    return inet_pton(AF_INET6, text.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

error_code check_key_in_clear(std::string_view base_url, const endpoint& ep, bool has_api_key,
                              bool allow_insecure_http, diagnostics& diag) {
    if (ep.tls || !has_api_key || allow_insecure_http || is_loopback_host(ep.host))
        return {};
    diag.client_message = "refusing to send the API key in clear text to '" +
                          text::printable_url(base_url) +
                          "': use https://, or allow plain HTTP to this host explicitly "
                          "(client_options::allow_insecure_http, CLI --allow-insecure-http)";
    return errc::invalid_request;
}

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
    if (const std::string_view wrong =
            read_host_and_port(url, ep.tls ? "443" : "80", ep.host, ep.port);
        !wrong.empty())
        return refuse(diag, base_url, wrong);
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
