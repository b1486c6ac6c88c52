// The proxy decisions, apart from I/O: which proxy (if any) a client uses, the CONNECT request
// it sends and what the proxy's answer to it means.
#pragma once

#include "http/endpoint.hpp"

#include <rerank/diagnostics.hpp>
#include <rerank/error.hpp>
#include <rerank/proxy_options.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace rerank::detail {

/// A proxy a client's connections go through.
struct proxy_route {
    std::string host;          ///< host name or IP literal, without brackets
    std::string port;          ///< decimal port
    std::string authorization; ///< `Proxy-Authorization` value ("Basic ..."), empty for none
    std::string display;       ///< the proxy's URL for messages, without its user info
};

/// Parses a proxy URL, `http://[user:pass@]host[:port][/]` (or `host:port`, taken as
/// `http://`). Fails with `errc::invalid_request`, saying why with the URL redacted.
error_code parse_proxy_url(std::string_view url, proxy_route& out, diagnostics& diag);

/// Whether the `no_proxy` rules `rules` send `host` (as in `endpoint::host`) direct.
bool no_proxy_matches(std::string_view rules, std::string_view host);

/// The environment as `getenv` reads it (null: unset). Injected for the tests.
using environment_lookup = std::function<const char*(const char*)>;

/// The proxy for `origin` under `opts` (`proxy_mode::from_environment` reads `env`), or none.
/// Fails with `errc::invalid_request` when the proxy URL (option or variable) is unusable.
error_code choose_proxy(const proxy_options& opts, const endpoint& origin,
                        const environment_lookup& env, std::optional<proxy_route>& out,
                        diagnostics& diag);

/// "host:port" of `origin`, with an IPv6 literal in brackets (a CONNECT target).
std::string authority_of(const endpoint& origin);

/// The CONNECT request opening a tunnel to `origin` through `proxy`.
std::string connect_request(const endpoint& origin, const proxy_route& proxy);

/// The proxy's answer to CONNECT, read from the bytes received so far.
struct connect_reply {
    enum class state : std::uint8_t {
        incomplete,  ///< no complete head yet: read more
        established, ///< a 2xx answer: the tunnel is open
        refused,     ///< a complete answer that is not 2xx (`status`, `reason`)
        malformed,   ///< not an HTTP answer, or bytes after a 2xx head
        too_large,   ///< no complete head within the header limit
    };
    state what = state::incomplete;
    unsigned status = 0;
    std::string_view reason; ///< points into the bytes given; as the proxy sent it
};

/// Reads `received` (everything the proxy sent so far). A head is complete at its empty line
/// (CRLF CRLF); it must fit within `header_limit` bytes. The origin speaks only after our TLS
/// ClientHello, so bytes after a 2xx head are the proxy's and make it `malformed`.
connect_reply read_connect_reply(std::string_view received, std::size_t header_limit);

/// "proxy http://host:port refused CONNECT to origin:443: HTTP 407 Proxy Authentication
/// Required" (the reason escaped, its first 128 bytes only) and the like: what `reply` means,
/// for a message.
std::string describe_connect_failure(const connect_reply& reply, const proxy_route& proxy,
                                     const endpoint& origin);

} // namespace rerank::detail
