#include "emulator/connection_io.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <array>
#include <type_traits>

namespace rerank::emulator::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

template <class Stream>
class basic_io final : public connection_io {
public:
    template <class... Args>
    explicit basic_io(Args&&... args)
        : stream_(std::forward<Args>(args)...) {}

    asio::awaitable<error_code> handshake(std::chrono::milliseconds limit) override {
        if constexpr (std::is_same_v<Stream, tls_stream>) {
            arm(limit);
            auto [ec] = co_await stream_.async_handshake(asio::ssl::stream_base::server, use_tuple);
            co_return ec;
        } else {
            co_return error_code{};
        }
    }

    asio::awaitable<error_code> read_request(beast::flat_buffer& buffer, request_parser& parser,
                                             std::chrono::milliseconds limit) override {
        arm(limit);
        auto [ec, n] = co_await beast::http::async_read(stream_, buffer, parser, use_tuple);
        (void)n;
        co_return ec;
    }

    asio::awaitable<error_code> write(std::string_view bytes) override {
        arm(std::chrono::milliseconds(0));
        auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(bytes.data(), bytes.size()),
                                                  use_tuple);
        (void)n;
        co_return ec;
    }

    asio::awaitable<error_code> read_some_and_discard(std::chrono::milliseconds limit) override {
        arm(limit);
        std::array<char, 16384> sink;
        auto [ec, n] = co_await stream_.async_read_some(asio::buffer(sink), use_tuple);
        (void)n;
        co_return ec;
    }

    asio::awaitable<void> close_gracefully() override {
        if constexpr (std::is_same_v<Stream, tls_stream>) {
            // Sends close_notify and waits (briefly) for the client's; it may just hang up.
            arm(std::chrono::milliseconds(500));
            co_await stream_.async_shutdown(use_tuple);
        }
        error_code ignored;
        socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
        socket().close(ignored);
    }

    void close_abruptly() override {
        error_code ignored;
        socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
        socket().close(ignored);
    }

    void reset() override {
        error_code ignored;
        socket().set_option(asio::socket_base::linger(true, 0), ignored);
        socket().close(ignored);
    }

private:
    asio::ip::tcp::socket& socket() { return beast::get_lowest_layer(stream_).socket(); }

    void arm(std::chrono::milliseconds limit) {
        auto& tcp = beast::get_lowest_layer(stream_);
        if (limit.count() > 0)
            tcp.expires_after(limit);
        else
            tcp.expires_never();
    }

    Stream stream_;
};

} // namespace

std::unique_ptr<connection_io> make_plain_io(asio::ip::tcp::socket socket) {
    return std::make_unique<basic_io<plain_stream>>(std::move(socket));
}

std::unique_ptr<connection_io> make_tls_io(asio::ip::tcp::socket socket,
                                           asio::ssl::context& context) {
    return std::make_unique<basic_io<tls_stream>>(std::move(socket), context);
}

} // namespace rerank::emulator::detail
