// The decisions of a connection pool, apart from any I/O: who gets which connection, when one is
// opened, kept, discarded or handed to a waiting call, and the counters that say so.
#pragma once

#include "http/pool_counters.hpp"

#include <rerank/pool_options.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

namespace rerank::detail {

/// A call waiting in line for a connection. The driver embeds it beside whatever it waits on
/// (a timer); the core writes the outcome before the driver wakes it.
template <class Conn>
struct pool_waiter {
    enum class outcome : std::uint8_t {
        waiting,           ///< still in line
        handed_connection, ///< `conn` is a connection another call released
        may_connect,       ///< a slot was reserved for it: open a new connection
    };
    outcome state = outcome::waiting;
    std::unique_ptr<Conn> conn;
};

/// The state of one pool (model: Boost.MySQL's sans-io pool, for HTTP): plain code, no sockets,
/// no clock of its own (every time-dependent step is told `now`), so every rule is tested
/// deterministically.
///
/// Rules:
/// - A connection is opened only for a call that found no idle one, never more than
///   `max_connections` (idle + in use + being opened).
/// - Idle connections are reused last-in first-out (the warmest first); waiting calls are served
///   first-in first-out, each with the first connection released or the first slot freed.
/// - An idle connection past `idle_timeout`, or unfit (`peer_closed()`: closed by the server,
///   or bytes arrived on it that nobody asked for), is discarded before use. The look is made
///   at every reuse, a hand-over to a waiting call included: bytes that arrive on an idle
///   connection would otherwise be read as the next call's answer (a forged one). It costs one
///   non-blocking system call. Expired idle connections are also swept whenever a connection
///   comes back.
///
/// `Conn` provides `close()`, `is_open()`, `reusable()` and `peer_closed()` (non-blocking).
/// Counters: the gauges (open, idle, in use, waiting) are written in `publish()` alone, after
/// every change; each event counter in the one step where its event happens.
template <class Conn>
class pool_core {
public:
    using clock = std::chrono::steady_clock;
    using waiter = pool_waiter<Conn>;

    /// What a call that wants a connection does next.
    struct checkout {
        enum class kind : std::uint8_t {
            reuse,   ///< use `conn`, an idle connection
            connect, ///< a slot is reserved: open a connection, then `connected()` or
                     ///< `give_back_slot()`
            wait,    ///< all slots are taken: `enqueue()` and wait to be woken
        };
        kind what;
        std::unique_ptr<Conn> conn;
    };

    pool_core(const pool_options& opts, pool_counters& counters)
        : options_(opts)
        , counters_(counters) {
        options_.max_connections = std::max<std::size_t>(options_.max_connections, 1);
    }
    ~pool_core() { close_idle(); }
    pool_core(const pool_core&) = delete;
    pool_core& operator=(const pool_core&) = delete;

    checkout try_checkout(clock::time_point now) {
        while (!idle_.empty()) {
            idle_entry entry = std::move(idle_.back());
            idle_.pop_back();
            const bool expired = now - entry.since >= options_.idle_timeout;
            if (!expired && !entry.conn->peer_closed()) {
                pool_counters::add(counters_.reused);
                publish();
                return {checkout::kind::reuse, std::move(entry.conn)};
            }
            if (!expired)
                pool_counters::add(counters_.closed_by_peer);
            entry.conn->close();
            --open_;
        }
        if (open_ < options_.max_connections) {
            ++open_;
            publish();
            return {checkout::kind::connect, nullptr};
        }
        publish();
        return {checkout::kind::wait, nullptr};
    }

    /// Puts a call in line (after `try_checkout` said `wait`).
    void enqueue(waiter& w) {
        w.state = waiter::outcome::waiting;
        waiters_.push_back(&w);
        publish();
    }

    /// A call leaves the line before it was served (its deadline passed or it was stopped).
    void leave(waiter& w) {
        auto at = std::find(waiters_.begin(), waiters_.end(), &w);
        if (at != waiters_.end())
            waiters_.erase(at);
        publish();
    }

    /// Takes the connection a waiter was handed (`handed_connection`), or null when it turned
    /// unfit meanwhile (see `peer_closed()`): it is closed, and the waiter keeps its slot to
    /// open a new connection in (then `connected()` or `give_back_slot()`).
    std::unique_ptr<Conn> take_handed(waiter& w) {
        w.state = waiter::outcome::waiting;
        if (w.conn->peer_closed()) {
            pool_counters::add(counters_.closed_by_peer);
            w.conn->close();
            w.conn.reset();
            return nullptr;
        }
        pool_counters::add(counters_.reused);
        return std::move(w.conn);
    }

    /// A connection was opened in a reserved slot (`tls`: with a handshake, `resumed` or full).
    void connected(bool tls, bool resumed) {
        pool_counters::add(counters_.created);
        if (tls)
            pool_counters::add(resumed ? counters_.handshakes_resumed : counters_.handshakes_full);
    }

    /// A reserved slot is given up (the connection could not be opened, or the call stopped
    /// before opening it). Returns the waiter to wake, which may now connect, or null.
    waiter* give_back_slot() {
        --open_;
        waiter* woken = serve_next(nullptr);
        publish();
        return woken;
    }

    /// A connection comes back after an exchange (or a failed one): kept for reuse when it
    /// allows it, handed to the longest waiting call if any, closed otherwise.
    /// `closed_by_peer`: the exchange found that the server had closed it while idle.
    /// Returns the waiter to wake, or null.
    waiter* release(std::unique_ptr<Conn> conn, clock::time_point now,
                    bool closed_by_peer = false) {
        if (closed_by_peer)
            pool_counters::add(counters_.closed_by_peer);
        waiter* woken = nullptr;
        if (!conn->reusable() || !conn->is_open()) {
            conn->close();
            --open_;
            woken = serve_next(nullptr);
        } else if (!waiters_.empty()) {
            woken = serve_next(std::move(conn));
        } else {
            sweep_expired(now);
            idle_.push_back({std::move(conn), now});
        }
        publish();
        return woken;
    }

    /// Closes every idle connection (client shutdown or cancel()).
    void close_idle() {
        for (auto& entry : idle_)
            entry.conn->close();
        open_ -= idle_.size();
        idle_.clear();
        publish();
    }

    std::size_t open() const noexcept { return open_; }
    std::size_t idle() const noexcept { return idle_.size(); }
    std::size_t waiting() const noexcept { return waiters_.size(); }
    std::size_t max_connections() const noexcept { return options_.max_connections; }

private:
    struct idle_entry {
        std::unique_ptr<Conn> conn;
        clock::time_point since;
    };

    // Hands `conn` (or, when null, a slot to connect in) to the longest waiting call.
    waiter* serve_next(std::unique_ptr<Conn> conn) {
        if (waiters_.empty())
            return nullptr;
        waiter* next = waiters_.front();
        waiters_.pop_front();
        if (conn) {
            next->conn = std::move(conn);
            next->state = waiter::outcome::handed_connection;
        } else {
            ++open_;
            next->state = waiter::outcome::may_connect;
        }
        return next;
    }

    // idle_ is ordered by `since` (connections are pushed at the back as they come in), so the
    // expired ones are a prefix. Time checks only: probing every idle socket on every release
    // would cost a system call per idle connection per request; connections closed by the
    // server are found by try_checkout() before use.
    void sweep_expired(clock::time_point now) {
        std::size_t expired = 0;
        while (expired < idle_.size() && now - idle_[expired].since >= options_.idle_timeout)
            idle_[expired++].conn->close();
        idle_.erase(idle_.begin(), idle_.begin() + static_cast<std::ptrdiff_t>(expired));
        open_ -= expired;
    }

    void publish() noexcept {
        pool_counters::set(counters_.open, open_);
        pool_counters::set(counters_.idle, idle_.size());
        pool_counters::set(counters_.in_use, open_ - idle_.size());
        pool_counters::set(counters_.waiting, waiters_.size());
    }

    pool_options options_;
    pool_counters& counters_;
    std::vector<idle_entry> idle_; // back = most recently used
    std::deque<waiter*> waiters_;  // front = longest waiting
    std::size_t open_ = 0;         // idle + in use + being opened
};

} // namespace rerank::detail
