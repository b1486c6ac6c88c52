#include "http/connection.hpp"

#include "http/tls_context.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <openssl/x509v3.h>

#include <memory>
#include <optional>

#include <sys/socket.h>

namespace rerank::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
using net::as_tuple;
using net::use_awaitable;

namespace {

// Bounds one phase of opening a connection (connect, handshake) by closing the socket when
// its time is up. The timer's handler may run after the phase ended and even after the
// connection is gone, so it touches the transport only while the phase is still armed.
class phase_alarm {
public:
    phase_alarm(transport& target, std::chrono::steady_clock::time_point at)
        : state_(std::make_shared<state>(target))
        , timer_(target.socket().get_executor(), at) {
        timer_.async_wait([s = state_](const error_code& ec) {
            if (!ec && s->armed) {
                s->fired = true;
                s->target.close();
            }
        });
    }
    ~phase_alarm() {
        state_->armed = false;
        timer_.cancel();
    }
    phase_alarm(const phase_alarm&) = delete;
    phase_alarm& operator=(const phase_alarm&) = delete;

    bool fired() const noexcept { return state_->fired; }

private:
    struct state {
        explicit state(transport& t)
            : target(t) {}
        transport& target;
        bool armed = true;
        bool fired = false;
    };
    std::shared_ptr<state> state_;
    net::steady_timer timer_;
};

error_code phase_timed_out(std::string_view phase, diagnostics& diag) {
    diag.client_message = std::string(phase) + " timed out";
    return errc::timeout;
}

bool is_end_of_stream(const error_code& ec) {
    return ec == net::error::eof || ec == net::ssl::error::stream_truncated;
}

} // namespace

connection::connection(const net::any_io_executor& ex, net::ssl::context* tls)
    : transport_(ex, tls) {}

bool connection::is_open() const noexcept {
    return const_cast<connection*>(this)->transport_.socket().is_open();
}

void connection::close() noexcept {
    reusable_ = false;
    transport_.close();
}

bool connection::peer_closed() const {
    auto& socket = const_cast<connection*>(this)->transport_.socket();
    if (!socket.is_open() || transport_.has_buffered_input())
        return true; // bytes nobody asked for (e.g. a TLS alert) already taken from the socket
    char probe;
    ssize_t n = ::recv(socket.native_handle(), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0 || n > 0)
        return true; // end of stream, or bytes nobody asked for (e.g. a TLS close_notify)
    return !(errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
}

SSL_SESSION* connection::take_new_session() {
    SSL* ssl = transport_.ssl();
    if (!ssl || session_taken_)
        return nullptr;
    SSL_SESSION* live = SSL_get1_session(ssl);
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
    // The call's deadline stops this by closing the connection; the phase limits are ours.
    SSL* ssl = transport_.ssl();
    // Offered now, before the first suspension: the SSL object takes its own reference, while
    // the pool may free `resume` (replacing it with a newer session) while this one connects.
    if (ssl && resume)
        SSL_set_session(ssl, resume);
    {
        phase_alarm alarm(transport_, std::min(deadline, clock::now() + connect_timeout));
        auto [ec, peer] =
            co_await net::async_connect(transport_.socket(), addresses, as_tuple(use_awaitable));
        if (alarm.fired())
            co_return phase_timed_out("connect", diag);
        if (ec)
            co_return classify_io_error(ec, "connect", diag);
    }
    error_code ec;
    transport_.socket().set_option(net::ip::tcp::no_delay(true), ec);
    if (error_code attach_ec = transport_.attach()) {
        diag.client_message = "cannot set up the connection: " + attach_ec.message();
        co_return ssl ? errc::tls_failure : errc::connection_failed;
    }
    if (!ssl)
        co_return error_code{};

    // SNI for names only (RFC 6066 forbids IP literals); verification covers both.
    error_code parse_ec;
    net::ip::make_address(ep.host, parse_ec);
    const bool is_ip = !parse_ec;
    if (!is_ip && !SSL_set_tlsext_host_name(ssl, ep.host.c_str())) {
        diag.client_message = "cannot set the TLS server name";
        co_return errc::tls_failure;
    }
    if (SSL_get_verify_mode(ssl) != SSL_VERIFY_NONE) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        const int set = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, ep.host.c_str())
                              : X509_VERIFY_PARAM_set1_host(param, ep.host.c_str(), 0);
        if (set != 1) {
            diag.client_message = "cannot set the host name to verify";
            co_return errc::tls_failure;
        }
    }
    error_code hs_ec;
    {
        phase_alarm alarm(transport_, std::min(deadline, clock::now() + handshake_timeout));
        hs_ec = co_await transport_.handshake();
        if (alarm.fired())
            co_return phase_timed_out("TLS handshake", diag);
    }
    if (hs_ec) {
        if (hs_ec.category() == net::error::get_ssl_category()) {
            diag.client_message = describe_tls_error(ssl, hs_ec);
            co_return errc::tls_failure;
        }
        co_return classify_io_error(hs_ec, "TLS handshake", diag);
    }
    resumed_ = SSL_session_reused(ssl) == 1;
    co_return error_code{};
}

net::awaitable<error_code> connection::exchange(std::string_view wire, std::size_t body_limit,
                                                diagnostics& diag) {
    reusable_ = false;
    failed_before_response_ = true;
    if (error_code ec = co_await transport_.write_all(wire))
        co_return classify_io_error(ec, "write", diag);
    if (error_code ec = co_await read_response(body_limit, diag))
        co_return ec;
    ++exchanges;
    // A keep-alive response with nothing after it leaves the connection ready for the next
    // request; anything else (Connection: close, stray bytes, 101 Switching Protocols) ends it.
    reusable_ = response_.status >= 200 && response_.keep_alive && read_buffer_.size() == 0 &&
                !transport_.has_buffered_input();
    co_return error_code{};
}

net::awaitable<error_code> connection::read_response(std::size_t body_limit, diagnostics& diag) {
    // One TLS record's worth: SSL_read returns at most a record per call anyway.
    constexpr std::size_t read_size = 16 * 1024;
    std::optional<response_parser> current; // a new one for each message (interim ones first)
    auto next_message = [&] {
        current.emplace(response_);
        current->body_limit(body_limit);
        current->header_limit(16 * 1024);
        current->eager(true);
    };
    next_message();
    read_buffer_.clear();
    for (;;) {
        response_parser& parser = *current;
        if (read_buffer_.size() != 0) {
            beast::error_code parse_ec;
            read_buffer_.consume(parser.put(read_buffer_.data(), parse_ec));
            if (parse_ec == beast::http::error::body_limit) {
                diag.client_message = "response body larger than max_response_bytes (" +
                                      std::to_string(body_limit) + " bytes)";
                co_return errc::bad_response;
            }
            if (parse_ec && parse_ec != beast::http::error::need_more)
                co_return classify_io_error(parse_ec, "read", diag);
            // Beast completes a 1xx response at its header: an interim response (100
            // Continue, 103 Early Hints), the final one follows on the same connection.
            if (parser.is_done() && response_.status >= 100 && response_.status < 200 &&
                response_.status != 101) {
                next_message();
                continue;
            }
            if (parser.is_done())
                co_return error_code{};
            // (content_length_remaining asserts a complete header: ask only then.)
            const auto remaining =
                parser.is_header_done() ? parser.content_length_remaining() : boost::none;
            if (remaining && read_buffer_.size() == 0) {
                error_code ec = co_await read_body_direct(static_cast<std::size_t>(*remaining));
                if (ec)
                    co_return classify_io_error(
                        is_end_of_stream(ec) ? beast::http::error::partial_message : ec, "read",
                        diag);
                co_return error_code{};
            }
        }
        // After a read that drained the socket, wait rather than probe (input_drained).
        if (transport_.input_drained()) {
            if (auto [ec] = co_await transport_.wait(transport::wait_for::readable); ec)
                co_return classify_io_error(ec, "read", diag);
        }
        const transport::step s = transport_.try_read(read_buffer_.prepare(read_size));
        read_buffer_.commit(s.bytes);
        if (s.bytes != 0) {
            failed_before_response_ = false;
            continue;
        }
        if (is_end_of_stream(s.ec)) {
            beast::error_code eof_ec;
            // Only an orderly end (a TLS close_notify, or a plain FIN) completes a body
            // delimited by the end of the connection; a TLS stream cut short may be truncated.
            if (s.ec == net::error::eof && parser.got_some() && parser.need_eof()) {
                parser.put_eof(eof_ec);
                if (!eof_ec)
                    co_return error_code{};
            }
            co_return classify_io_error(failed_before_response_
                                            ? beast::http::error::end_of_stream
                                            : beast::http::error::partial_message,
                                        "read", diag);
        }
        if (s.ec)
            co_return classify_io_error(s.ec, "read", diag);
        // Waiting for input is the loop's first step; TLS may need to write first (key update).
        if (s.wait == transport::wait_for::writable) {
            if (auto [ec] = co_await transport_.wait(s.wait); ec)
                co_return classify_io_error(ec, "read", diag);
        }
    }
}

net::awaitable<error_code> connection::read_body_direct(std::size_t length) {
    body_buffer& body = response_.body;
    const std::size_t end = body.size() + length;
    char* at = body.extend(length);
    error_code ec;
    while (length != 0 && !ec) {
        if (transport_.input_drained())
            std::tie(ec) = co_await transport_.wait(transport::wait_for::readable);
        if (ec)
            break;
        const transport::step s = transport_.try_read(net::buffer(at, length));
        at += s.bytes;
        length -= s.bytes;
        ec = s.ec;
        if (!ec && s.bytes == 0 && s.wait == transport::wait_for::writable)
            std::tie(ec) = co_await transport_.wait(s.wait);
    }
    if (ec)
        body.shrink_to(end - length);
    co_return ec;
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
