// A connection to Redis that comes back: it reconnects with backoff, and while Redis is down it
// fails commands at once instead of making each one wait for its timeout.
#pragma once

#include "quota/redis_connection.hpp"
#include "quota/redis_url.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace rerank::detail {

/// One Redis server, through one connection at a time. Each connection begins with a handshake
/// (AUTH with the URL's password, SELECT its database, PING) and counts as up once Redis has
/// answered it. When a connection ends, the next one is made after a backoff of 50 ms, doubling
/// up to `max_backoff` (back to 50 ms once a connection was up).
///
/// Reconnection is lazy: the first `ready()` after the backoff starts the next connection (no
/// timer runs meanwhile), so that a client whose Redis is down, or idle, holds no work on its
/// io_context (see redis_connection).
///
/// Threading: every member runs on the executor given (the client's strand).
/// Lifetime: the client owns its connection (whose pending I/O holds the connection, not the
/// client); `close()` or the destructor ends it promptly.
class redis_client : public std::enable_shared_from_this<redis_client> {
public:
    using clock = std::chrono::steady_clock;

    redis_client(boost::asio::any_io_executor ex, redis_endpoint ep,
                 std::chrono::milliseconds command_timeout, std::chrono::milliseconds max_backoff);
    /// Closes the connection (its pending commands fail with `operation_aborted`).
    ~redis_client();
    redis_client(const redis_client&) = delete;
    redis_client& operator=(const redis_client&) = delete;

    /// Makes the first connection: commands sent from now on wait for it (within their
    /// timeout). Call once.
    void start();
    /// Ends the connection for good; pending commands fail (`operation_aborted`). Idempotent.
    void close();

    /// Whether commands go to Redis now: a connection is up, or the first one is being made
    /// (they then wait for it, within their timeout). False while Redis is down: from a failure
    /// to the next connection that is up. While it is down and the backoff has passed, this
    /// starts the next connection, for the commands that follow.
    bool ready();
    /// Whether commands go to Redis now (as `ready()`, starting nothing).
    bool usable() const noexcept {
        return !closed_ && connection_ && !connection_->closed() && (up_ || first_attempt_);
    }
    /// Why Redis is down, completing "Redis at host:port ..." ("did not answer within 250 ms").
    const std::string& failure() const noexcept { return failure_; }
    const redis_endpoint& endpoint() const noexcept { return endpoint_; }

    /// Sends an encoded command; completes with `void(error_code, redis_reply)`: its reply, or
    /// `not_connected` at once while Redis is down, or the error that ended the connection.
    /// `command` is copied before this returns (or, for a deferred token such as
    /// `use_awaitable`, before the operation starts).
    template <class CompletionToken>
    auto async_execute(std::string_view command, CompletionToken&& token) {
        return boost::asio::async_initiate<CompletionToken, void(error_code, redis_reply)>(
            [this](auto handler, std::string_view cmd) { execute(cmd, std::move(handler)); }, token,
            command);
    }
    void execute(std::string_view command, redis_reply_handler handler);

private:
    void connect();
    void queue_handshake(const std::shared_ptr<redis_connection>& connection);
    void on_connection_closed(const std::shared_ptr<redis_connection>& connection);

    boost::asio::any_io_executor executor_;
    redis_endpoint endpoint_;
    std::chrono::milliseconds command_timeout_;
    std::chrono::milliseconds max_backoff_;
    std::chrono::milliseconds backoff_;
    /// When the next connection may be made, once the current one has ended.
    clock::time_point next_connect_at_{};
    std::shared_ptr<redis_connection> connection_;
    bool first_attempt_ = true;
    bool up_ = false;
    bool closed_ = false;
    std::string failure_;
};

} // namespace rerank::detail
