// The keep-alive connections of a client: the driver that performs what pool_core decides.
#pragma once

#include "http/call_control.hpp"
#include "http/connection.hpp"
#include "http/endpoint.hpp"
#include "http/pool_core.hpp"
#include "http/pool_counters.hpp"
#include "http/proxy.hpp"
#include "http/tls_session_cache.hpp"

#include <rerank/pool_options.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <optional>

namespace rerank::detail {

/// Hands out connections to the client's endpoint, direct or through its proxy: a pool has one
/// origin and one proxy (or none), so its connections, and the TLS sessions it resumes (the
/// origin's, through the tunnel or not), are keyed by (proxy, origin) by construction. The rules
/// (lazy opening, LIFO reuse, FIFO waiting, idle expiry, stale detection) are `pool_core`'s; this
/// class resolves, connects, handshakes, waits and wakes. New TLS connections resume a session of
/// an earlier one
/// (`tls_session_cache`). Every member function runs on the client's strand.
class connection_pool : public std::enable_shared_from_this<connection_pool> {
public:
    using clock = std::chrono::steady_clock;

    /// `proxy`: the proxy every connection goes through, or none (direct).
    connection_pool(boost::asio::any_io_executor strand, endpoint ep,
                    std::optional<proxy_route> proxy, boost::asio::ssl::context* tls,
                    const pool_options& opts, pool_counters& counters);

    /// A connection for a call, or why there is none.
    struct acquired {
        error_code ec;
        std::unique_ptr<connection> conn;
    };

    /// Gets a connection for `control`'s call: an idle one, a new one, or one released by
    /// another call after waiting in line. Fails with `timeout` at `deadline`, with
    /// `cancelled` when the call is stopped (the caller tells which stop it was), or with the
    /// connect/handshake error. A connection that carried an exchange before has
    /// `exchanges > 0`.
    boost::asio::awaitable<acquired> acquire(call_control& control, clock::time_point deadline,
                                             diagnostics& diag);

    /// Gives a connection back after an exchange: kept for reuse when it allows it, closed
    /// otherwise. `closed_by_peer`: the exchange found the server had closed it while idle.
    void release(std::unique_ptr<connection> conn, bool closed_by_peer = false);

    /// Closes idle connections (client shutdown or cancel()).
    void close_idle() { core_.close_idle(); }

private:
    struct waiter : pool_waiter<connection> {
        explicit waiter(const boost::asio::any_io_executor& ex)
            : timer(ex) {}
        boost::asio::steady_timer timer;
    };

    /// Opens a connection in a slot the core reserved; gives the slot back on failure.
    boost::asio::awaitable<acquired> connect_in_slot(call_control& control,
                                                     clock::time_point deadline, diagnostics& diag);
    /// The addresses of the endpoint, or of the proxy (resolved once, again after a connection
    /// failure).
    boost::asio::awaitable<error_code> resolve(call_control& control, diagnostics& diag);
    static void wake(pool_waiter<connection>* woken);

    boost::asio::any_io_executor strand_;
    endpoint endpoint_;
    std::optional<proxy_route> proxy_;
    boost::asio::ssl::context* tls_;
    pool_options options_;
    pool_core<connection> core_;
    tls_session_cache sessions_;
    boost::asio::ip::tcp::resolver::results_type addresses_;
};

} // namespace rerank::detail
