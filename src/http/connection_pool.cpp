#include "http/connection_pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace rerank::detail {

namespace net = boost::asio;
using net::as_tuple;
using net::use_awaitable;

connection_pool::connection_pool(net::any_io_executor strand, endpoint ep, net::ssl::context* tls,
                                 const pool_options& opts, pool_counters& counters)
    : strand_(std::move(strand))
    , endpoint_(std::move(ep))
    , tls_(endpoint_.tls ? tls : nullptr)
    , options_(opts)
    , counters_(counters)
    , resolver_(strand_) {
    options_.max_connections = std::max<std::size_t>(options_.max_connections, 1);
}

connection_pool::~connection_pool() {
    for (auto& conn : idle_)
        conn->close();
    pool_counters::add(counters_.open, -static_cast<std::int64_t>(idle_.size()));
    pool_counters::add(counters_.idle, -static_cast<std::int64_t>(idle_.size()));
    for (SSL_SESSION* session : sessions_)
        SSL_SESSION_free(session);
}

net::awaitable<error_code> connection_pool::acquire(call_control& control,
                                                    clock::time_point deadline,
                                                    std::unique_ptr<connection>& out, bool& reused,
                                                    diagnostics& diag) {
    for (;;) {
        if (control.stopped() != call_control::stop_reason::none)
            co_return errc::cancelled; // the caller maps stops to cancelled or timeout
        if (auto conn = take_idle()) {
            reused = true;
            pool_counters::add(counters_.reused);
            out = std::move(conn);
            co_return error_code{};
        }
        if (open_ < options_.max_connections) {
            ++open_;
            pool_counters::add(counters_.open);
            pool_counters::add(counters_.in_use);
            reused = false;
            co_return co_await connect_new(control, deadline, out, diag);
        }

        waiter line_place(strand_);
        line_place.timer.expires_at(deadline);
        waiters_.push_back(&line_place);
        pool_counters::add(counters_.waiting);
        {
            call_control::waiting_guard guard(control, interrupter::cancel_of(line_place.timer));
            co_await line_place.timer.async_wait(as_tuple(use_awaitable));
        }
        switch (line_place.state) {
        case waiter::outcome::waiting:
            // Still in line: the deadline passed or the call was stopped.
            waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &line_place));
            pool_counters::add(counters_.waiting, -1);
            if (control.stopped() != call_control::stop_reason::none)
                co_return errc::cancelled;
            diag.client_message = "no connection became free before the deadline (" +
                                  std::to_string(options_.max_connections) + " in use)";
            co_return errc::timeout;
        case waiter::outcome::handed_connection:
            if (control.stopped() != call_control::stop_reason::none) {
                release(std::move(line_place.conn));
                co_return errc::cancelled;
            }
            reused = true;
            pool_counters::add(counters_.reused);
            out = std::move(line_place.conn);
            co_return error_code{};
        case waiter::outcome::may_connect:
            if (control.stopped() != call_control::stop_reason::none) {
                --open_;
                pool_counters::add(counters_.open, -1);
                pool_counters::add(counters_.in_use, -1);
                serve_next_waiter(nullptr);
                co_return errc::cancelled;
            }
            reused = false;
            co_return co_await connect_new(control, deadline, out, diag);
        }
    }
}

net::awaitable<error_code> connection_pool::connect_new(call_control& control,
                                                        clock::time_point deadline,
                                                        std::unique_ptr<connection>& out,
                                                        diagnostics& diag) {
    // The caller has counted this connection in open_ already; every failure gives the slot
    // back so that a waiting call can try in turn.
    auto give_back_slot = [this] {
        --open_;
        pool_counters::add(counters_.open, -1);
        pool_counters::add(counters_.in_use, -1);
        serve_next_waiter(nullptr);
    };
    if (addresses_.empty()) {
        error_code literal_ec;
        auto address = net::ip::make_address(endpoint_.host, literal_ec);
        if (!literal_ec) {
            addresses_ = net::ip::tcp::resolver::results_type::create(
                net::ip::tcp::endpoint(address,
                                       static_cast<unsigned short>(std::stoi(endpoint_.port))),
                endpoint_.host, endpoint_.port);
        } else {
            net::ip::tcp::resolver resolver(strand_);
            call_control::waiting_guard guard(control, interrupter::cancel_of(resolver));
            auto [ec, results] = co_await resolver.async_resolve(endpoint_.host, endpoint_.port,
                                                                 as_tuple(use_awaitable));
            if (ec) {
                give_back_slot();
                diag.client_message = "cannot resolve " + endpoint_.host + ": " + ec.message();
                co_return ec == net::error::operation_aborted ? error_code(errc::cancelled)
                                                              : error_code(errc::connection_failed);
            }
            addresses_ = std::move(results);
        }
    }

    auto conn = std::make_unique<connection>(strand_, tls_);
    SSL_SESSION* offer = tls_ ? session_to_offer() : nullptr;
    error_code ec;
    {
        call_control::waiting_guard guard(control, interrupter::close_of(*conn));
        ec = co_await conn->open(endpoint_, addresses_, deadline, options_.connect_timeout,
                                 options_.handshake_timeout, offer, diag);
    }
    if (offer)
        SSL_SESSION_free(offer); // the connection's SSL object holds its own reference
    if (ec) {
        conn->close();
        if (ec == errc::connection_failed)
            addresses_ = {}; // resolve again next time: the address may have moved
        give_back_slot();
        co_return ec;
    }
    pool_counters::add(counters_.created);
    if (tls_)
        pool_counters::add(conn->tls_session_resumed() ? counters_.handshakes_resumed
                                                       : counters_.handshakes_full);
    out = std::move(conn);
    co_return error_code{};
}

std::unique_ptr<connection> connection_pool::take_idle() {
    const auto now = clock::now();
    while (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        pool_counters::add(counters_.idle, -1);
        const auto idle = now - conn->idle_since;
        const bool expired = idle >= options_.idle_timeout;
        if (!expired && (idle < options_.check_idle_after || !conn->peer_closed())) {
            pool_counters::add(counters_.in_use);
            return conn;
        }
        if (!expired)
            pool_counters::add(counters_.closed_by_peer);
        conn->close();
        --open_;
        pool_counters::add(counters_.open, -1);
    }
    return nullptr;
}

void connection_pool::release(std::unique_ptr<connection> conn) {
    if (tls_ && conn->exchanges > 0) {
        if (SSL_SESSION* fresh = conn->take_new_session())
            keep_session(fresh);
    }
    if (!conn->reusable() || !conn->is_open()) {
        discard(std::move(conn));
        return;
    }
    if (!waiters_.empty()) {
        serve_next_waiter(std::move(conn));
        return;
    }
    sweep_idle();
    conn->idle_since = clock::now();
    idle_.push_back(std::move(conn));
    pool_counters::add(counters_.in_use, -1);
    pool_counters::add(counters_.idle);
}

void connection_pool::discard(std::unique_ptr<connection> conn) {
    conn->close();
    --open_;
    pool_counters::add(counters_.open, -1);
    pool_counters::add(counters_.in_use, -1);
    serve_next_waiter(nullptr);
}

void connection_pool::serve_next_waiter(std::unique_ptr<connection> conn) {
    if (waiters_.empty())
        return; // callers only pass a connection when someone waits
    waiter* next = waiters_.front();
    waiters_.pop_front();
    pool_counters::add(counters_.waiting, -1);
    if (conn) {
        next->conn = std::move(conn);
        next->state = waiter::outcome::handed_connection;
    } else {
        ++open_;
        pool_counters::add(counters_.open);
        pool_counters::add(counters_.in_use);
        next->state = waiter::outcome::may_connect;
    }
    next->timer.cancel();
}

void connection_pool::close_idle() {
    for (auto& conn : idle_)
        conn->close();
    pool_counters::add(counters_.open, -static_cast<std::int64_t>(idle_.size()));
    pool_counters::add(counters_.idle, -static_cast<std::int64_t>(idle_.size()));
    open_ -= idle_.size();
    idle_.clear();
}

void connection_pool::sweep_idle() {
    // idle_ is ordered by idle_since (connections are pushed at the back as they come in), so
    // the expired ones are a prefix. Time checks only: probing every idle socket on every
    // release would cost a system call per idle connection per request; connections closed by
    // the server are found by take_idle() before use.
    const auto now = clock::now();
    std::size_t expired = 0;
    while (expired < idle_.size() && now - idle_[expired]->idle_since >= options_.idle_timeout)
        idle_[expired++]->close();
    if (expired == 0)
        return;
    idle_.erase(idle_.begin(), idle_.begin() + static_cast<std::ptrdiff_t>(expired));
    open_ -= expired;
    pool_counters::add(counters_.open, -static_cast<std::int64_t>(expired));
    pool_counters::add(counters_.idle, -static_cast<std::int64_t>(expired));
}

SSL_SESSION* connection_pool::session_to_offer() {
    if (sessions_.empty())
        return nullptr;
    SSL_SESSION* newest = sessions_.back();
    if (SSL_SESSION_get_protocol_version(newest) >= TLS1_3_VERSION) {
        sessions_.pop_back(); // single use: the caller takes over our reference
        return newest;
    }
    SSL_SESSION_up_ref(newest);
    return newest;
}

void connection_pool::keep_session(SSL_SESSION* fresh) {
    // One per connection of a full pool is enough to resume them all after a mass close.
    if (sessions_.size() >= options_.max_connections) {
        SSL_SESSION_free(sessions_.front());
        sessions_.erase(sessions_.begin());
    }
    sessions_.push_back(fresh);
}

} // namespace rerank::detail
