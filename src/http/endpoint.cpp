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
        if (url.port_number() == 0)
            return refuse(diag, base_url, "invalid port");
        ep.port = std::to_string(url.port_number());
    } else {
        ep.port = ep.tls ? "443" : "80";
    }
    ep.host_header = std::string(url.encoded_authority());

    ep.base_path = url.encoded_path();
    while (!ep.base_path.empty() && ep.base_path.back() == '/')
        ep.base_path.pop_back();
    out = std::move(ep);
    return {};
}

} // namespace rerank::detail
