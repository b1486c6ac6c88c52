// Where a shared quota lives: the Redis URL, parsed. Its password is kept for AUTH only and never
// shown: messages name the server as host:port.
#pragma once

#include <rerank/diagnostics.hpp>
#include <rerank/error.hpp>

#include <string>
#include <string_view>

namespace rerank::detail {

/// A Redis server, from `redis://[:password@]host[:port][/db]`.
struct redis_endpoint {
    std::string host;     ///< host name or IP literal, without brackets
    std::string port;     ///< decimal ("6379" when the URL has none)
    std::string password; ///< percent-decoded; empty: no AUTH
    std::string db;       ///< decimal database number; empty: no SELECT (database 0)

    /// "host:port" (IPv6 literals in brackets), the name of the server in messages.
    std::string where() const;
};

/// Parses a Redis URL. Anything else (another scheme, `rediss://`, a user name, a query, a
/// path that is not a database number...) is `errc::invalid_request`, with
/// `diag.client_message` saying why and showing the URL without its user info
/// (`redis://***@host:port/db`): the password never appears.
error_code parse_redis_url(std::string_view url, redis_endpoint& out, diagnostics& diag);

} // namespace rerank::detail
