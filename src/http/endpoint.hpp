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
/// query and fragment are refused: `errc::invalid_request`.
error_code parse_endpoint(std::string_view base_url, endpoint& out, diagnostics& diag);

} // namespace rerank::detail
