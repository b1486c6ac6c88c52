#include "quota/redis_connection.hpp"

#include <boost/asio/append.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <exception>
#include <utility>

namespace rerank::detail {

namespace net = boost::asio;
using net::ip::tcp;

void post_redis_reply(redis_reply_handler handler, const net::any_io_executor& fallback,
                      error_code ec, redis_reply reply) {
    // post() runs it on `fallback`, then dispatches it to the handler's own executor if any.
    net::post(fallback, net::append(std::move(handler), ec, std::move(reply)));
}

redis_connection::redis_connection(net::any_io_executor ex,
                                   std::chrono::milliseconds command_timeout)
    : executor_(ex)
    , command_timeout_(command_timeout)
    , resolver_(ex)
    , socket_(ex)
    , watchdog_(ex) {}

void redis_connection::execute(std::string_view command, redis_reply_handler handler) {
    if (closed_)
        return post_redis_reply(std::move(handler), executor_, failure_ec_, nullptr);
    queued_.append(command);
    pending_.push_back({std::move(handler), clock::now() + command_timeout_});
    watch();
    write_queued();
    read_replies();
}

void redis_connection::watch() {
    if (watching_ || closed_ || pending_.empty())
        return;
    watching_ = true;
    watchdog_.expires_at(pending_.front().deadline);
    watchdog_.async_wait([self = shared_from_this()](error_code) {
        self->watching_ = false;
        if (self->closed_ || self->pending_.empty())
            return;
        if (self->pending_.front().deadline <= clock::now())
            return self->close(net::error::timed_out,
                               "did not answer within " +
                                   std::to_string(self->command_timeout_.count()) + " ms");
        self->watch(); // the command it watched was answered: watch the next one
    });
}

void redis_connection::close(error_code ec, std::string why) {
    if (closed_)
        return;
    closed_ = true;
    failure_ec_ = ec;
    failure_ = std::move(why);
    error_code ignored;
    socket_.close(ignored);
    resolver_.cancel();
    watchdog_.cancel();
    for (auto& command : pending_)
        post_redis_reply(std::move(command.handler), executor_, ec, nullptr);
    pending_.clear();
    if (auto on_closed = std::move(on_closed_))
        on_closed();
}

net::awaitable<error_code> redis_connection::connect(const redis_endpoint& ep) {
    error_code ec;
    const auto address = net::ip::make_address(ep.host, ec);
    if (!ec) {
        const tcp::endpoint target(address, static_cast<unsigned short>(std::stoul(ep.port)));
        auto [connect_ec] =
            co_await socket_.async_connect(target, net::as_tuple(net::use_awaitable));
        co_return connect_ec;
    }
    auto [resolve_ec, results] =
        co_await resolver_.async_resolve(ep.host, ep.port, net::as_tuple(net::use_awaitable));
    if (resolve_ec)
        co_return resolve_ec;
    auto [connect_ec, endpoint] =
        co_await net::async_connect(socket_, results, net::as_tuple(net::use_awaitable));
    co_return connect_ec;
}

void redis_connection::start(redis_endpoint ep, std::function<void()> on_closed) {
    on_closed_ = std::move(on_closed);
    net::co_spawn(executor_, connect_and_serve(std::move(ep)),
                  [self = shared_from_this()](std::exception_ptr failure) {
                      if (!failure)
                          return;
                      // Only std::bad_alloc and the like get here.
                      try {
                          std::rethrow_exception(failure);
                      } catch (const std::exception& e) {
                          self->close(make_error_code(boost::system::errc::not_enough_memory),
                                      std::string("could not be used (") + e.what() + ")");
                      }
                  });
}

net::awaitable<void> redis_connection::connect_and_serve(redis_endpoint ep) {
    auto self = shared_from_this();
    if (closed_)
        co_return; // closed before it started: do not open the socket
    watch();       // the handshake's deadline bounds connecting as well
    const error_code connect_ec = co_await connect(ep);
    if (closed_)
        co_return; // timed out (or closed) while connecting
    if (connect_ec) {
        close(connect_ec, "could not be reached (" + connect_ec.message() + ")");
        co_return;
    }
    error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored); // pipelined small commands, no batching
    connected_ = true;
    write_queued();
    read_replies();
}

void redis_connection::read_replies() {
    if (!connected_ || reading_ || closed_ || pending_.empty())
        return;
    reading_ = true;
    socket_.async_read_some(
        net::buffer(read_buffer_), [self = shared_from_this()](error_code ec, std::size_t n) {
            self->reading_ = false;
            if (self->closed_)
                return;
            if (ec)
                return self->close(ec, ec == net::error::eof
                                           ? "closed the connection"
                                           : "broke the connection (" + ec.message() + ")");
            if (self->deliver(n))
                self->read_replies();
        });
}

bool redis_connection::deliver(std::size_t bytes_read) {
    const auto protocol_error = make_error_code(boost::system::errc::protocol_error);
    reader_.feed(read_buffer_.data(), bytes_read);
    for (;;) {
        redis_reply reply;
        if (!reader_.next(reply)) {
            close(protocol_error, "sent a malformed reply (" + reader_.error() + ")");
            return false;
        }
        if (!reply)
            return true;
        if (pending_.empty()) {
            close(protocol_error, "sent a reply to no command");
            return false;
        }
        auto handler = std::move(pending_.front().handler);
        pending_.pop_front();
        if (pending_.empty())
            watchdog_.cancel(); // nothing left to watch: no timer outstanding while idle
        post_redis_reply(std::move(handler), executor_, {}, std::move(reply));
    }
}

void redis_connection::write_queued() {
    if (!connected_ || writing_ || closed_ || queued_.empty())
        return;
    writing_ = true;
    std::swap(queued_, written_);
    net::async_write(socket_, net::buffer(written_),
                     [self = shared_from_this()](error_code ec, std::size_t) {
                         self->writing_ = false;
                         self->written_.clear();
                         if (ec)
                             return self->close(ec, "broke the connection (" + ec.message() + ")");
                         self->write_queued();
                     });
}

} // namespace rerank::detail
