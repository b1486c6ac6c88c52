#include "quota/redis_client.hpp"

#include <algorithm>

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
    , backoff_(first_reconnect_backoff) {}

void redis_client::start() {
    connect();
}

void redis_client::connect() {
    // Commands queue behind the handshake.
    connection_ = std::make_shared<redis_connection>(executor_, command_timeout_);
    queue_handshake(connection_);
    // Weak both ways: the client owns its connection, and an idle connection has no I/O that
    // would end a cycle (a store dropped while its io_context is not run would leak both).
    connection_->start(endpoint_, [client = weak_from_this(), weak = std::weak_ptr(connection_)] {
        auto self = client.lock();
        auto c = weak.lock();
        if (self && c)
            self->on_connection_closed(c);
    });
}

redis_client::~redis_client() {
    if (connection_)
        connection_->close(net::error::operation_aborted, "is not used any more (closed)");
}

void redis_client::on_connection_closed(const std::shared_ptr<redis_connection>& connection) {
    if (connection != connection_)
        return;
    failure_ = connection->failure();
    first_attempt_ = false;
    if (up_)
        backoff_ = first_reconnect_backoff;
    up_ = false;
    next_connect_at_ = clock::now() + backoff_;
    backoff_ = std::min(backoff_ * 2, max_backoff_);
}

void redis_client::close() {
    if (closed_)
        return;
    closed_ = true;
    if (connection_)
        connection_->close(net::error::operation_aborted, "is not used any more (closed)");
    failure_ = "is not used any more (closed)";
}

bool redis_client::ready() {
    if (usable())
        return true;
    if (!closed_ && (!connection_ || connection_->closed()) && clock::now() >= next_connect_at_)
        connect(); // for the commands that follow: this one does not wait for it
    return false;
}

void redis_client::execute(std::string_view command, redis_reply_handler handler) {
    if (!usable())
        return post_redis_reply(std::move(handler), executor_, net::error::not_connected, nullptr);
    connection_->execute(command, std::move(handler));
}

void redis_client::queue_handshake(const std::shared_ptr<redis_connection>& connection) {
    const std::weak_ptr<redis_connection> weak = connection;
    // An error reply to a step ends the connection, naming the step. The connection is up once
    // the last step (PING) is answered.
    auto step = [&](std::initializer_list<std::string_view> command, std::string name, bool last) {
        // (The handler waits in the connection, which the client owns: it holds the client weakly.)
        connection->execute(redis_command(command).bytes(), [client = weak_from_this(), weak,
                                                             name = std::move(name), last](
                                                                error_code ec, redis_reply reply) {
            auto self = client.lock();
            auto c = weak.lock();
            if (ec || !self || !c || c->closed() || self->connection_ != c)
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

} // namespace rerank::detail
