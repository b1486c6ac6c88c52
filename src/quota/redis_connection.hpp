// One TCP connection to Redis: commands pipelined, their replies matched in order (FIFO), each
// command bounded in time.
#pragma once

#include "quota/redis_protocol.hpp"
#include "quota/redis_url.hpp"

#include <rerank/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace rerank::detail {

/// Receives a command's reply (an error reply is a reply), or the error that ended the
/// connection before the reply came (with a null reply).
using redis_reply_handler = boost::asio::any_completion_handler<void(error_code, redis_reply)>;

/// Calls `handler(ec, reply)` through the handler's associated executor (else `fallback`), never
/// from within the caller.
void post_redis_reply(redis_reply_handler handler, const boost::asio::any_io_executor& fallback,
                      error_code ec, redis_reply reply);

/// One TCP connection to one Redis server. Commands are written as they come, several at once
/// when they queue up (pipelining); replies are matched to commands in order. A command without
/// its reply `command_timeout` after it was queued ends the connection: later replies could no
/// longer be matched, so every command still pending then fails. The first commands queued
/// (the handshake) are queued before `start()`: their timeout bounds connecting too.
///
/// No I/O is outstanding while no command is (no read, no timer): an idle connection does not
/// keep its io_context running, so that `client c(ioc); c.async_rerank(...); ioc.run();`
/// returns when the call is done. Hence a connection Redis closed while idle is found closed
/// by the next command, which fails with it.
///
/// Threading: every member runs on the executor given (the client's strand).
/// Lifetime: the pending I/O holds the connection (shared_from_this); `close()` ends it
/// promptly.
class redis_connection : public std::enable_shared_from_this<redis_connection> {
public:
    using clock = std::chrono::steady_clock;

    redis_connection(boost::asio::any_io_executor ex, std::chrono::milliseconds command_timeout);

    /// Queues `command` (written once connected, in the order queued). `handler` gets its reply
    /// or the error that ended the connection first; on a closed connection it fails at once.
    void execute(std::string_view command, redis_reply_handler handler);

    /// Connects to `ep` (resolving a host name; no resolution for an IP literal), writes what is
    /// queued and reads replies while commands wait for them, until the connection ends: an I/O
    /// or protocol error, a command timing out, `close()`. `on_closed` is called then (once, on
    /// the executor); `failure()` says why. Call once.
    void start(redis_endpoint ep, std::function<void()> on_closed);

    /// Ends the connection: I/O stops, pending commands fail with `ec`. `why` completes
    /// "Redis at host:port ..." in messages. Idempotent: the first reason stays.
    void close(error_code ec, std::string why);

    bool closed() const noexcept { return closed_; }
    /// Why the connection ended ("did not answer within 250 ms"); empty while it has not.
    const std::string& failure() const noexcept { return failure_; }

private:
    struct pending_command {
        redis_reply_handler handler;
        clock::time_point deadline;
    };

    boost::asio::awaitable<void> connect_and_serve(redis_endpoint ep);
    boost::asio::awaitable<error_code> connect(const redis_endpoint& ep);
    void write_queued();
    // Reads while commands wait for replies (one read at a time).
    void read_replies();
    // Parses what was read and completes the commands it answers. False when it closed the
    // connection (a protocol error).
    bool deliver(std::size_t bytes_read);
    // Keeps a timer on the oldest pending command's deadline.
    void watch();

    boost::asio::any_io_executor executor_;
    std::chrono::milliseconds command_timeout_;
    boost::asio::ip::tcp::resolver resolver_;
    boost::asio::ip::tcp::socket socket_;
    boost::asio::steady_timer watchdog_;
    bool watching_ = false;
    bool connected_ = false;
    bool writing_ = false;
    bool reading_ = false;
    bool closed_ = false;
    std::function<void()> on_closed_;
    error_code failure_ec_;
    std::string failure_;
    std::deque<pending_command> pending_;
    std::string queued_;  // commands not written yet
    std::string written_; // commands being written
    redis_reply_reader reader_;
    std::array<char, 2048> read_buffer_;
};

} // namespace rerank::detail
