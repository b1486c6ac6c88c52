#include "http/proxy_tunnel.hpp"

#include "http/io_error.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <string>

namespace rerank::detail {

namespace net = boost::asio;
using net::as_tuple;
using net::use_awaitable;

namespace {

error_code failed(const error_code& io, const proxy_route& proxy, diagnostics& diag) {
    const error_code ec = classify_io_error(io, "CONNECT", diag);
    diag.client_message = "proxy " + proxy.display + ": " + diag.client_message;
    return ec;
}

} // namespace

net::awaitable<error_code> open_tunnel(net::ip::tcp::socket& socket, const endpoint& origin,
                                       const proxy_route& proxy, std::size_t header_limit,
                                       diagnostics& diag) {
    const std::string request = connect_request(origin, proxy);
    if (auto [ec, n] =
            co_await net::async_write(socket, net::buffer(request), as_tuple(use_awaitable));
        ec)
        co_return failed(ec, proxy, diag);

    // The answer is read into a buffer of the limit's size: a proxy can make us read no more.
    std::string received(header_limit, '\0');
    std::size_t have = 0;
    for (;;) {
        auto [ec, n] = co_await socket.async_read_some(
            net::buffer(received.data() + have, header_limit - have), as_tuple(use_awaitable));
        have += n;
        const connect_reply reply =
            read_connect_reply(std::string_view(received.data(), have), header_limit);
        using state = connect_reply::state;
        if (reply.what == state::established && !ec)
            co_return error_code{};
        if (reply.what == state::incomplete && ec && ec != net::error::eof)
            co_return failed(ec, proxy, diag);
        if (reply.what != state::incomplete || ec) {
            diag.client_message = describe_connect_failure(reply, proxy, origin);
            co_return errc::connection_failed;
        }
    }
}

} // namespace rerank::detail
