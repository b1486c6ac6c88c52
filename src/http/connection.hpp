// One keep-alive HTTP/1.1 connection (TLS or plain), carrying one exchange at a time.
#pragma once

#include "http/endpoint.hpp"
#include "http/response_parser.hpp"
#include "http/transport.hpp"

#include <rerank/diagnostics.hpp>
#include <rerank/error.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <chrono>
#include <optional>
#include <string_view>

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

    /// Connects to one of `addresses` within `connect_timeout` and, for TLS, handshakes with
    /// SNI and host-name verification within `handshake_timeout`, offering `resume` (may be
    /// null; read before the first suspension only) for session resumption. Neither phase runs
    /// past `deadline`.
    boost::asio::awaitable<error_code>
    open(const endpoint& ep, const boost::asio::ip::tcp::resolver::results_type& addresses,
         clock::time_point deadline, clock::duration connect_timeout,
         clock::duration handshake_timeout, SSL_SESSION* resume, diagnostics& diag);

    /// Sends `wire` (a complete request) and reads the response into `response()`. No timer of
    /// its own: the call's deadline stops it by closing the connection (see call_control).
    boost::asio::awaitable<error_code> exchange(std::string_view wire, std::size_t body_limit,
                                                diagnostics& diag);

    response_message& response() noexcept { return response_; }
    /// Whether the last exchange failed before a single response byte arrived (the request
    /// then may never have reached the server: a stale keep-alive connection).
    bool failed_before_response() const noexcept { return failed_before_response_; }
    bool reusable() const noexcept { return reusable_; }
    bool tls_session_resumed() const noexcept { return resumed_; }
    /// A resumable TLS session this connection has not handed out yet (owned by the caller:
    /// SSL_SESSION_free it), or null.
    SSL_SESSION* take_new_session();

    /// Whether an idle connection shows signs of being closed by the server (end of stream or
    /// unexpected bytes waiting). Non-blocking.
    bool peer_closed() const;

    /// Closes the socket; any operation in progress completes with an error. Idempotent.
    void close() noexcept;
    bool is_open() const noexcept;

    clock::time_point idle_since{};
    std::uint64_t exchanges = 0;

private:
    boost::asio::awaitable<error_code> read_response(std::size_t body_limit, diagnostics& diag);
    /// Reads the rest of a Content-Length body straight into the message, past the parser.
    boost::asio::awaitable<error_code> read_body_direct(std::size_t length);

    transport transport_;
    boost::beast::flat_buffer read_buffer_;
    response_message response_;
    bool reusable_ = false;
    bool failed_before_response_ = false;
    bool resumed_ = false;
    bool session_taken_ = false;
};

/// Maps an I/O error of a phase ("connect", "TLS handshake", "write", "read") to the
/// library's error and says what happened in `diag.client_message`.
error_code classify_io_error(const error_code& io, std::string_view phase, diagnostics& diag);

} // namespace rerank::detail
