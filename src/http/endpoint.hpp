// Where requests go: the parsed base URL.
#pragma once

#include <rerank/diagnostics.hpp>
#include <rerank/error.hpp>

#include <string>
#include <string_view>

namespace rerank::detail {

/// One endpoint of the API: scheme, host and port identify its connection pool.
struct endpoint {
    bool tls = true;
    std::string host;        ///< host name or IP literal, without brackets
    std::string port;        ///< decimal port ("443" when the URL has none)
    std::string host_header; ///< value of the Host header ("host" or "host:port")
    std::string base_path;   ///< path of the base URL without a trailing slash ("/api/v1")

    /// The key of the endpoint's pool.
    std::string pool_key() const { return (tls ? "https://" : "http://") + host + ":" + port; }
};

/// Parses a base URL: `https://host[:port][/path]`, or `http://` (local servers). User info,
/// query and fragment are refused: `errc::invalid_request`.
error_code parse_endpoint(std::string_view base_url, endpoint& out, diagnostics& diag);

} // namespace rerank::detail
