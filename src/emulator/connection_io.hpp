// One accepted connection, plain or TLS, behind one interface: the session logic and every fault
// are written once, for both.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <memory>
#include <string_view>

namespace rerank::emulator::detail {

using error_code = boost::system::error_code;
using request_parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

/// The byte-level operations of a server-side connection. Operations report errors as values,
/// never throw; a time limit of zero means none.
class connection_io {
public:
    virtual ~connection_io() = default;

    /// TLS: the server handshake, bounded by `limit`. Plain: nothing.
    virtual boost::asio::awaitable<error_code> handshake(std::chrono::milliseconds limit) = 0;
    /// Reads one request into `parser`, bounded by `limit` (the idle timeout).
    virtual boost::asio::awaitable<error_code> read_request(boost::beast::flat_buffer& buffer,
                                                            request_parser& parser,
                                                            std::chrono::milliseconds limit) = 0;
    /// Writes all of `bytes`.
    virtual boost::asio::awaitable<error_code> write(std::string_view bytes) = 0;
    /// Reads and discards whatever arrives, once; bounded by `limit`. Errors at end of stream.
    virtual boost::asio::awaitable<error_code>
    read_some_and_discard(std::chrono::milliseconds limit) = 0;
    /// Ends the connection politely: TLS close_notify (bounded), then FIN.
    virtual boost::asio::awaitable<void> close_gracefully() = 0;
    /// FIN without TLS close_notify: to the client, the stream just ends.
    virtual void close_abruptly() = 0;
    /// RST: SO_LINGER 0, then close.
    virtual void reset() = 0;
};

std::unique_ptr<connection_io> make_plain_io(boost::asio::ip::tcp::socket socket);
std::unique_ptr<connection_io> make_tls_io(boost::asio::ip::tcp::socket socket,
                                           boost::asio::ssl::context& context);

} // namespace rerank::emulator::detail
