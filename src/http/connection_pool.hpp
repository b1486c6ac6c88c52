// The keep-alive connections of one endpoint.
#pragma once

#include "http/call_control.hpp"
#include "http/connection.hpp"
#include "http/endpoint.hpp"
#include "http/pool_counters.hpp"

#include <rerank/pool_options.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <memory>
#include <vector>

namespace rerank::detail {

/// Hands out connections to one endpoint (model: Boost.MySQL's connection_pool, for HTTP).
///
/// - Connections are opened lazily, one per waiting call, never more than `max_connections`.
/// - Idle connections are reused last-in first-out (the warmest first); waiting calls are
///   served first-in first-out.
/// - An idle connection found closed by the server (looked for once it has been idle for
///   `check_idle_after`), or idle longer than `idle_timeout`, is discarded before use (and
///   swept whenever a connection is released).
/// - New connections resume a TLS session of an earlier one, newest first. A TLS 1.3 session
///   (a ticket) is offered once only (RFC 8446 C.4: servers such as nginx refuse a ticket's
///   second use); an older protocol's session may be offered again.
/// Every member function runs on the client's strand.
class connection_pool : public std::enable_shared_from_this<connection_pool> {
public:
    using clock = std::chrono::steady_clock;

    connection_pool(boost::asio::any_io_executor strand, endpoint ep,
                    boost::asio::ssl::context* tls, const pool_options& opts,
                    pool_counters& counters);
    ~connection_pool();

    /// Gets a connection for `control`'s call: an idle one, a new one, or one released by
    /// another call after waiting in line. Fails with `timeout` at `deadline`, with
    /// `cancelled` when the call is stopped, or with the connect/handshake error.
    /// `reused` tells whether the connection carried an exchange before.
    boost::asio::awaitable<error_code> acquire(call_control& control, clock::time_point deadline,
                                               std::unique_ptr<connection>& out, bool& reused,
                                               diagnostics& diag);

    /// Gives a connection back after an exchange: kept for reuse when it allows it, closed
    /// otherwise.
    void release(std::unique_ptr<connection> conn);

    /// Closes idle connections (client shutdown or cancel()).
    void close_idle();

    const endpoint& target() const noexcept { return endpoint_; }

private:
    struct waiter {
        enum class outcome { waiting, handed_connection, may_connect };
        explicit waiter(const boost::asio::any_io_executor& ex)
            : timer(ex) {}
        boost::asio::steady_timer timer;
        outcome state = outcome::waiting;
        std::unique_ptr<connection> conn;
    };

    boost::asio::awaitable<error_code> connect_new(call_control& control,
                                                   clock::time_point deadline,
                                                   std::unique_ptr<connection>& out,
                                                   diagnostics& diag);
    std::unique_ptr<connection> take_idle();
    void discard(std::unique_ptr<connection> conn);
    void serve_next_waiter(std::unique_ptr<connection> conn);
    /// Closes idle connections past `idle_timeout`. Runs whenever a
    /// connection comes back, not on a timer: a pending timer would keep `io_context::run()`
    /// from returning for `idle_timeout` after the last call.
    void sweep_idle();
    /// A session to offer to a new connection (the caller frees it), or null.
    SSL_SESSION* session_to_offer();
    void keep_session(SSL_SESSION* fresh);

    boost::asio::any_io_executor strand_;
    endpoint endpoint_;
    boost::asio::ssl::context* tls_;
    pool_options options_;
    pool_counters& counters_;
    boost::asio::ip::tcp::resolver resolver_;
    boost::asio::ip::tcp::resolver::results_type addresses_;
    std::vector<std::unique_ptr<connection>> idle_; // back = most recently used
    std::deque<waiter*> waiters_;                   // front = longest waiting
    std::size_t open_ = 0;                          // idle + in use + connecting
    std::vector<SSL_SESSION*> sessions_;            // resumable, newest last, owned
};

} // namespace rerank::detail
