// Where requests go: the parsed base URL.
#pragma once

#include <rerank/diagnostics.hpp>
#include <rerank/error.hpp>

#include <string>
#include <string_view>

namespace rerank::detail {

/// One endpoint of the API: where a client connects (scheme, host, port) and what its requests
/// name (Host header, base path).
struct endpoint {
    bool tls = true;
    std::string host;        ///< host name or IP literal, without brackets
    std::string port;        ///< decimal port ("443" when the URL has none)
    std::string host_header; ///< value of the Host header ("host" or "host:port")
    std::string base_path;   ///< path of the base URL without a trailing slash ("/api/v1")
};

/// Parses a base URL: `https://host[:port][/path]`, or `http://` (local servers). User info,
/// query and fragment are refused: `errc::invalid_request`, with a message that shows the URL
/// without them (`text::printable_url`).
error_code parse_endpoint(std::string_view base_url, endpoint& out, diagnostics& diag);

/// Whether `host` (as in `endpoint::host`) is this machine for sure: `localhost` (any case),
/// an IPv4 address in 127.0.0.0/8 or the IPv6 address ::1.
bool is_loopback_host(std::string_view host);

/// Refuses (`errc::invalid_request`) an API key sent in clear text: plain HTTP to a host that is
/// not loopback, with a key, unless `allow_insecure_http`. Plain HTTP without a key, or to
/// loopback, is fine.
error_code check_key_in_clear(std::string_view base_url, const endpoint& ep, bool has_api_key,
                              bool allow_insecure_http, diagnostics& diag);

} // namespace rerank::detail
