#include "quota/redis_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <exception>

namespace rerank::detail {

namespace net = boost::asio;

namespace {
constexpr std::chrono::milliseconds first_reconnect_backoff{50};
} // namespace

redis_client::redis_client(net::any_io_executor ex, redis_endpoint ep,
                           std::chrono::milliseconds command_timeout,
                           std::chrono::milliseconds max_backoff)
    : executor_(ex)
    , endpoint_(std::move(ep))
    , command_timeout_(command_timeout)
    , max_backoff_(std::max(max_backoff, first_reconnect_backoff))
    , backoff_timer_(ex) {}

void redis_client::start() {
    // The first connection exists at once: commands queue behind its handshake.
    connection_ = std::make_shared<redis_connection>(executor_, command_timeout_);
    queue_handshake(connection_);
    net::co_spawn(executor_, run(), [self = shared_from_this()](std::exception_ptr failure) {
        if (!failure)
            return;
        // Only std::bad_alloc and the like get here: stop, and say so in notes.
        self->close();
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& e) {
            self->failure_ = std::string("is not used any more (") + e.what() + ")";
        }
    });
}

void redis_client::close() {
    if (closed_)
        return;
    closed_ = true;
    if (connection_)
        connection_->close(net::error::operation_aborted, "is not used any more (closed)");
    backoff_timer_.cancel();
}

void redis_client::execute(std::string_view command, redis_reply_handler handler) {
    if (!available())
        return post_redis_reply(std::move(handler), executor_, net::error::not_connected, nullptr);
    connection_->execute(command, std::move(handler));
}

void redis_client::queue_handshake(const std::shared_ptr<redis_connection>& connection) {
    const std::weak_ptr<redis_connection> weak = connection;
    // An error reply to a step ends the connection, naming the step. The connection is up once
    // the last step (PING) is answered.
    auto step = [&](std::initializer_list<std::string_view> command, std::string name, bool last) {
        connection->execute(redis_command(command).bytes(), [self = shared_from_this(), weak,
                                                             name = std::move(name), last](
                                                                error_code ec, redis_reply reply) {
            auto c = weak.lock();
            if (ec || !c || c->closed() || self->connection_ != c)
                return;
            if (reply->type == REDIS_REPLY_ERROR)
                return c->close(make_error_code(boost::system::errc::permission_denied),
                                "refused " + name + ": " + printable_reply_text(*reply));
            if (last) {
                self->up_ = true;
                self->failure_.clear();
            }
        });
    };
    if (!endpoint_.password.empty())
        step({"AUTH", endpoint_.password}, "AUTH", false);
    if (!endpoint_.db.empty())
        step({"SELECT", endpoint_.db}, "SELECT " + endpoint_.db, false);
    step({"PING"}, "PING", true);
}

net::awaitable<void> redis_client::run() {
    auto self = shared_from_this();
    auto backoff = first_reconnect_backoff;
    for (;;) {
        auto connection = connection_;
        co_await connection->run(endpoint_);
        connection_.reset();
        first_attempt_ = false;
        if (up_)
            backoff = first_reconnect_backoff;
        up_ = false;
        failure_ = connection->failure();
        if (closed_)
            co_return;
        backoff_timer_.expires_after(backoff);
        co_await backoff_timer_.async_wait(net::as_tuple(net::use_awaitable));
        if (closed_)
            co_return;
        backoff = std::min(backoff * 2, max_backoff_);
        connection_ = std::make_shared<redis_connection>(executor_, command_timeout_);
        queue_handshake(connection_);
    }
}

} // namespace rerank::detail
