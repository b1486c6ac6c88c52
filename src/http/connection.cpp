#include "http/connection.hpp"

#include "http/tls_context.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include <sys/socket.h>

namespace rerank::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
using net::as_tuple;
using net::use_awaitable;

connection::connection(const net::any_io_executor& ex, net::ssl::context* tls) {
    if (tls)
        tls_stream_.emplace(beast::tcp_stream(ex), *tls);
    else
        plain_stream_.emplace(ex);
}

beast::tcp_stream& connection::lowest() noexcept {
    return tls_stream_ ? tls_stream_->next_layer() : *plain_stream_;
}

bool connection::is_open() const noexcept {
    return const_cast<connection*>(this)->lowest().socket().is_open();
}

void connection::close() noexcept {
    reusable_ = false;
    beast::error_code ignored;
    lowest().socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    lowest().close();
}

bool connection::peer_closed() const {
    auto& socket = const_cast<connection*>(this)->lowest().socket();
    if (!socket.is_open())
        return true;
    char probe;
    ssize_t n = ::recv(socket.native_handle(), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0 || n > 0)
        return true; // end of stream, or bytes nobody asked for (e.g. a TLS close_notify)
    return !(errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
}

SSL_SESSION* connection::take_new_session() {
    if (!tls_stream_ || session_taken_)
        return nullptr;
    SSL_SESSION* live = SSL_get1_session(tls_stream_->native_handle());
    if (!live)
        return nullptr;
    // A copy, not the live session: OpenSSL marks a connection's own session not resumable
    // when the SSL object is freed without a close_notify sent (ssl_clear_bad_session), which
    // is how every pooled connection ends. Shared, the session would be dead before any new
    // connection offered it.
    SSL_SESSION* copy = SSL_SESSION_is_resumable(live) ? SSL_SESSION_dup(live) : nullptr;
    SSL_SESSION_free(live);
    if (copy)
        session_taken_ = true;
    return copy;
}

net::awaitable<error_code>
connection::open(const endpoint& ep, const net::ip::tcp::resolver::results_type& addresses,
                 clock::time_point deadline, clock::duration connect_timeout,
                 clock::duration handshake_timeout, SSL_SESSION* resume, diagnostics& diag) {
    // Offered now, before the first suspension: the SSL object takes its own reference, while
    // the pool may free `resume` (replacing it with a newer session) while this one connects.
    if (tls_stream_ && resume)
        SSL_set_session(tls_stream_->native_handle(), resume);
    auto& tcp = lowest();
    tcp.expires_at(std::min(deadline, clock::now() + connect_timeout));
    auto [ec, peer] = co_await tcp.async_connect(addresses, as_tuple(use_awaitable));
    if (ec)
        co_return classify_io_error(ec, "connect", diag);
    tcp.socket().set_option(net::ip::tcp::no_delay(true), ec);

    if (tls_stream_) {
        SSL* ssl = tls_stream_->native_handle();
        // SNI for names only (RFC 6066 forbids IP literals); verification covers both.
        beast::error_code parse_ec;
        net::ip::make_address(ep.host, parse_ec);
        if (parse_ec && !SSL_set_tlsext_host_name(ssl, ep.host.c_str())) {
            diag.client_message = "cannot set the TLS server name";
            co_return errc::tls_failure;
        }
        if (SSL_get_verify_mode(ssl) != SSL_VERIFY_NONE)
            tls_stream_->set_verify_callback(net::ssl::host_name_verification(ep.host));
        tcp.expires_at(std::min(deadline, clock::now() + handshake_timeout));
        auto [hs_ec] = co_await tls_stream_->async_handshake(net::ssl::stream_base::client,
                                                             as_tuple(use_awaitable));
        if (hs_ec) {
            if (hs_ec.category() == net::error::get_ssl_category()) {
                diag.client_message = describe_tls_error(ssl, hs_ec);
                co_return errc::tls_failure;
            }
            co_return classify_io_error(hs_ec, "TLS handshake", diag);
        }
        resumed_ = SSL_session_reused(ssl) == 1;
    }
    tcp.expires_never();
    co_return error_code{};
}

template <class Stream>
net::awaitable<error_code> connection::exchange_on(Stream& stream, std::string_view wire,
                                                   clock::time_point deadline,
                                                   std::size_t body_limit, diagnostics& diag) {
    reusable_ = false;
    failed_before_response_ = true;
    auto& tcp = lowest();
    tcp.expires_at(deadline);
    auto [write_ec, written] = co_await net::async_write(
        stream, net::buffer(wire.data(), wire.size()), as_tuple(use_awaitable));
    if (write_ec)
        co_return classify_io_error(write_ec, "write", diag);

    response_parser parser(response_);
    parser.body_limit(body_limit);
    parser.header_limit(16 * 1024);
    read_buffer_.clear();
    auto [read_ec, read_bytes] =
        co_await beast::http::async_read(stream, read_buffer_, parser, as_tuple(use_awaitable));
    failed_before_response_ = !parser.got_some();
    if (read_ec) {
        if (read_ec == beast::http::error::body_limit) {
            diag.client_message = "response body larger than max_response_bytes (" +
                                  std::to_string(body_limit) + " bytes)";
            co_return errc::bad_response;
        }
        co_return classify_io_error(read_ec, "read", diag);
    }
    tcp.expires_never();
    ++exchanges;
    // A keep-alive response with nothing after it leaves the connection ready for the next
    // request; anything else (Connection: close, stray bytes) ends it.
    reusable_ = response_.keep_alive && read_buffer_.size() == 0;
    co_return error_code{};
}

net::awaitable<error_code> connection::exchange(std::string_view wire, clock::time_point deadline,
                                                std::size_t body_limit, diagnostics& diag) {
    if (tls_stream_)
        co_return co_await exchange_on(*tls_stream_, wire, deadline, body_limit, diag);
    co_return co_await exchange_on(*plain_stream_, wire, deadline, body_limit, diag);
}

error_code classify_io_error(const error_code& io, std::string_view phase, diagnostics& diag) {
    diag.client_message = std::string(phase) + " failed: " + io.message();
    if (io == beast::error::timeout) {
        diag.client_message = std::string(phase) + " timed out";
        return errc::timeout;
    }
    if (io == net::error::operation_aborted)
        return errc::cancelled;
    if (io.category() ==
        beast::http::make_error_code(beast::http::error::end_of_stream).category()) {
        // Truncated bodies (end of stream mid-message) are connection failures; the rest
        // are malformed HTTP.
        if (io == beast::http::error::end_of_stream || io == beast::http::error::partial_message)
            return errc::connection_failed;
        return errc::bad_response;
    }
    if (io.category() == net::error::get_ssl_category()) {
        if (io == net::ssl::error::stream_truncated)
            return errc::connection_failed;
        return errc::tls_failure;
    }
    return errc::connection_failed;
}

} // namespace rerank::detail
