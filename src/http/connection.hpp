// One keep-alive HTTP/1.1 connection (TLS or plain), carrying one exchange at a time.
#pragma once

#include "http/endpoint.hpp"
#include "http/exchange.hpp"
#include "http/proxy.hpp"
#include "http/tls_session_cache.hpp"
#include "http/transport.hpp"

#include <rerank/diagnostics.hpp>
#include <rerank/error.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <string_view>
#include <vector>

namespace rerank::detail {

/// A connection of a pool. All member functions run on the client's strand.
///
/// A connection is reusable only after a complete exchange whose response allowed keep-alive
/// and left no stray bytes; after any error, timeout or cancellation it is closed.
class connection {
public:
    using clock = std::chrono::steady_clock;

    /// `tls` is the client's context for https endpoints, null for plain http.
    connection(const boost::asio::any_io_executor& ex, boost::asio::ssl::context* tls);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    /// Connects to one of `addresses` (the origin's, or `proxy`'s when not null) within
    /// `connect_timeout`; through a proxy, for TLS, opens a CONNECT tunnel to `ep` within
    /// `connect_timeout` again. Then, for TLS, handshakes with `ep` (SNI and host-name
    /// verification are the origin's, inside the tunnel) within `handshake_timeout`, offering
    /// `resume` (may be null; read before the first suspension only) for session resumption.
    /// No phase runs past `deadline`.
    boost::asio::awaitable<error_code>
    open(const endpoint& ep, const proxy_route* proxy,
         const boost::asio::ip::tcp::resolver::results_type& addresses, clock::time_point deadline,
         clock::duration connect_timeout, clock::duration handshake_timeout, SSL_SESSION* resume,
         diagnostics& diag);

    /// Sends `wire` (a complete request) and reads the response into `response()`. No timer of
    /// its own: the call's deadline stops it by closing the connection (see call_control).
    boost::asio::awaitable<error_code> exchange(std::string_view wire, std::size_t body_limit,
                                                diagnostics& diag);

    response_message& response() noexcept { return exchange_.message(); }
    /// Whether the last exchange failed before a single response byte arrived (the request
    /// then may never have reached the server: a stale keep-alive connection).
    bool failed_before_response() const noexcept { return exchange_.failed_before_response(); }
    bool reusable() const noexcept { return reusable_; }
    bool tls_session_resumed() const noexcept { return resumed_; }
    /// Moves the resumable TLS sessions the server has sent so far (every TLS 1.3 ticket, see
    /// `collect_sessions`) into `cache`.
    void hand_over_sessions(tls_session_cache& cache);

    /// Whether an idle connection is unfit for another exchange: closed by the server, or
    /// holding bytes nobody asked for (which the next exchange would take as its answer).
    /// Non-blocking: one peek; over TLS, records that came are read (tickets and key updates
    /// leave it fit). Run before every reuse.
    bool peer_closed();

    /// Closes the socket; any operation in progress completes with an error. Idempotent.
    void close() noexcept;
    bool is_open() const noexcept;

    clock::time_point idle_since{};
    std::uint64_t exchanges = 0;

private:
    transport transport_;
    http_exchange exchange_;
    bool reusable_ = false;
    bool resumed_ = false;
    std::vector<SSL_SESSION*> received_sessions_; // owned, oldest first
};

} // namespace rerank::detail
