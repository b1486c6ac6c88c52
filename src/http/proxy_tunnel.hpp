// The CONNECT exchange that opens a tunnel through an HTTP proxy.
#pragma once

#include "http/endpoint.hpp"
#include "http/proxy.hpp"

#include <rerank/diagnostics.hpp>
#include <rerank/error.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstddef>

namespace rerank::detail {

/// On `socket`, connected to `proxy` and not yet carrying TLS: sends `CONNECT origin` and reads
/// the proxy's answer, at most `header_limit` bytes of it (read_connect_reply says what it
/// means). No timer of its own: the caller's limits close the socket. Fails with
/// `errc::connection_failed` when the proxy refuses, closes, or answers anything but a bare 2xx
/// head, saying so (with the proxy's status) in `diag.client_message`.
boost::asio::awaitable<error_code> open_tunnel(boost::asio::ip::tcp::socket& socket,
                                               const endpoint& origin, const proxy_route& proxy,
                                               std::size_t header_limit, diagnostics& diag);

} // namespace rerank::detail
