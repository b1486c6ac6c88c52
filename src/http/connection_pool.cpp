#include "http/connection_pool.hpp"

#include "text/printable.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace rerank::detail {

namespace net = boost::asio;
using net::as_tuple;
using net::use_awaitable;
using stop_reason = call_control::stop_reason;

connection_pool::connection_pool(net::any_io_executor strand, endpoint ep,
                                 std::optional<proxy_route> proxy, net::ssl::context* tls,
                                 const pool_options& opts, pool_counters& counters)
    : strand_(std::move(strand))
    , endpoint_(std::move(ep))
    , proxy_(std::move(proxy))
    , tls_(endpoint_.tls ? tls : nullptr)
    , options_(opts)
    , core_(opts, counters)
    // Two tickets per connection (OpenSSL servers send two after a full handshake): enough to
    // resume a full pool after a mass close, even against servers that send none after a
    // resumption.
    , sessions_(2 * core_.max_connections()) {}

void connection_pool::wake(pool_waiter<connection>* woken) {
    if (woken)
        static_cast<waiter*>(woken)->timer.cancel();
}

net::awaitable<connection_pool::acquired>
connection_pool::acquire(call_control& control, clock::time_point deadline, diagnostics& diag) {
    if (control.stopped() != stop_reason::none)
        co_return acquired{errc::cancelled, nullptr};
    auto next = core_.try_checkout(clock::now());
    if (next.what == decltype(next)::kind::reuse)
        co_return acquired{{}, std::move(next.conn)};
    if (next.what == decltype(next)::kind::connect)
        co_return co_await connect_in_slot(control, deadline, diag);

    waiter place(strand_);
    place.timer.expires_at(deadline);
    core_.enqueue(place);
    {
        call_control::waiting_guard guard(control, interrupter::cancel_of(place.timer));
        co_await place.timer.async_wait(as_tuple(use_awaitable));
    }
    const bool stopped = control.stopped() != stop_reason::none;
    switch (place.state) {
    case waiter::outcome::waiting: // the deadline passed or the call was stopped
        core_.leave(place);
        if (stopped)
            co_return acquired{errc::cancelled, nullptr};
        diag.client_message = "no connection became free before the deadline (" +
                              std::to_string(core_.max_connections()) + " in use)";
        co_return acquired{errc::timeout, nullptr};
    case waiter::outcome::handed_connection:
        if (stopped) {
            release(std::move(place.conn)); // never used: not counted as a reuse
            co_return acquired{errc::cancelled, nullptr};
        }
        if (auto handed = core_.take_handed(place))
            co_return acquired{{}, std::move(handed)};
        co_return co_await connect_in_slot(control, deadline, diag); // it was unfit
    case waiter::outcome::may_connect:
        if (stopped) {
            wake(core_.give_back_slot());
            co_return acquired{errc::cancelled, nullptr};
        }
        co_return co_await connect_in_slot(control, deadline, diag);
    }
    co_return acquired{errc::cancelled, nullptr}; // not reached: every outcome returns
}

net::awaitable<error_code> connection_pool::resolve(call_control& control, diagnostics& diag) {
    if (!addresses_.empty())
        co_return error_code{};
    const std::string& host = proxy_ ? proxy_->host : endpoint_.host;
    const std::string& port = proxy_ ? proxy_->port : endpoint_.port;
    error_code literal_ec;
    auto address = net::ip::make_address(host, literal_ec);
    if (!literal_ec) {
        addresses_ = net::ip::tcp::resolver::results_type::create(
            net::ip::tcp::endpoint(address, static_cast<unsigned short>(std::stoi(port))), host,
            port);
        co_return error_code{};
    }
    net::ip::tcp::resolver resolver(strand_);
    call_control::waiting_guard guard(control, interrupter::cancel_of(resolver));
    auto [ec, results] = co_await resolver.async_resolve(host, port, as_tuple(use_awaitable));
    if (ec) {
        diag.client_message = (proxy_ ? "cannot resolve the proxy " : "cannot resolve ") +
                              text::printable(host) + ": " + ec.message();
        co_return ec == net::error::operation_aborted ? error_code(errc::cancelled)
                                                      : error_code(errc::connection_failed);
    }
    addresses_ = std::move(results);
    co_return error_code{};
}

net::awaitable<connection_pool::acquired>
connection_pool::connect_in_slot(call_control& control, clock::time_point deadline,
                                 diagnostics& diag) {
    if (error_code ec = co_await resolve(control, diag)) {
        wake(core_.give_back_slot());
        co_return acquired{ec, nullptr};
    }
    auto conn = std::make_unique<connection>(strand_, tls_);
    SSL_SESSION* offer = tls_ ? sessions_.to_offer() : nullptr;
    error_code ec;
    {
        call_control::waiting_guard guard(control, interrupter::close_of(*conn));
        ec = co_await conn->open(endpoint_, proxy_ ? &*proxy_ : nullptr, addresses_, deadline,
                                 options_.connect_timeout, options_.handshake_timeout, offer, diag);
    }
    if (offer)
        SSL_SESSION_free(offer); // the connection's SSL object holds its own reference
    if (ec) {
        conn->close();
        if (ec == errc::connection_failed)
            addresses_ = {}; // resolve again next time: the address may have moved
        wake(core_.give_back_slot());
        co_return acquired{ec, nullptr};
    }
    core_.connected(tls_ != nullptr, conn->tls_session_resumed());
    co_return acquired{{}, std::move(conn)};
}

void connection_pool::release(std::unique_ptr<connection> conn, bool closed_by_peer) {
    conn->hand_over_sessions(sessions_);
    wake(core_.release(std::move(conn), clock::now(), closed_by_peer));
}

} // namespace rerank::detail
