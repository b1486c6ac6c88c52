#include "http/connection.hpp"

#include "http/io_error.hpp"
#include "http/proxy_tunnel.hpp"
#include "http/time_limit.hpp"
#include "http/tls_context.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <memory>

#include <sys/socket.h>

namespace rerank::detail {

namespace net = boost::asio;
using net::as_tuple;
using net::use_awaitable;

namespace {

error_code phase_timed_out(std::string_view phase, diagnostics& diag) {
    diag.client_message = std::string(phase) + " timed out";
    return errc::timeout;
}

bool is_end_of_stream(const error_code& ec) {
    return ec == net::error::eof || ec == net::ssl::error::stream_truncated;
}

} // namespace

connection::connection(const net::any_io_executor& ex, net::ssl::context* tls)
    : transport_(ex, tls) {
    if (SSL* ssl = transport_.ssl())
        collect_sessions(ssl, received_sessions_);
}

connection::~connection() {
    for (SSL_SESSION* session : received_sessions_)
        SSL_SESSION_free(session);
}

bool connection::is_open() const noexcept {
    return const_cast<connection*>(this)->transport_.socket().is_open();
}

void connection::close() noexcept {
    reusable_ = false;
    transport_.close();
}

bool connection::peer_closed() {
    auto& socket = transport_.socket();
    if (!socket.is_open() || transport_.has_buffered_input())
        return true; // bytes nobody asked for, taken from the socket with the last response
    char probe;
    const ssize_t n = ::recv(socket.native_handle(), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0)
        return !(errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
    if (n == 0 || !transport_.ssl())
        return true; // end of stream, or bytes nobody asked for: a forged answer in waiting
    // TLS sends more than answers while a connection is idle: session tickets (TLS 1.3 sends
    // them after the handshake, some servers late), a KeyUpdate, a close_notify. Let OpenSSL
    // take what came: handshake messages are consumed (tickets kept, see the new-session
    // callback) and leave the connection fit; application data, an alert or a record cut
    // short do not.
    const transport::step s = transport_.try_read(boost::asio::buffer(&probe, 1));
    return s.bytes != 0 || s.ec || s.wait != transport::wait_for::readable ||
           transport_.has_buffered_input();
}

void connection::hand_over_sessions(tls_session_cache& cache) {
    for (SSL_SESSION* session : received_sessions_)
        cache.keep(session); // takes over our reference
    received_sessions_.clear();
}

net::awaitable<error_code> connection::open(const endpoint& ep, const proxy_route* proxy,
                                            const net::ip::tcp::resolver::results_type& addresses,
                                            clock::time_point deadline,
                                            clock::duration connect_timeout,
                                            clock::duration handshake_timeout, SSL_SESSION* resume,
                                            diagnostics& diag) {
    // The call's deadline stops this by closing the connection; the phase limits are ours.
    time_limit phase_limit(transport_.socket().get_executor());
    SSL* ssl = transport_.ssl();
    // Offered now, before the first suspension: the SSL object takes its own reference, while
    // the pool may free `resume` (replacing it with a newer session) while this one connects.
    if (ssl && resume)
        SSL_set_session(ssl, resume);
    {
        // The phase limits close the connection when their time is up (the call's deadline
        // does too, through call_control).
        phase_limit.arm(std::min(deadline, clock::now() + connect_timeout),
                        interrupter::close_of(transport_));
        auto [ec, peer] =
            co_await net::async_connect(transport_.socket(), addresses, as_tuple(use_awaitable));
        phase_limit.disarm();
        error_code failure;
        if (phase_limit.fired())
            failure = phase_timed_out("connect", diag);
        else if (ec)
            failure = classify_io_error(ec, "connect", diag);
        if (failure && proxy)
            diag.client_message = "proxy " + proxy->display + ": " + diag.client_message;
        if (failure)
            co_return failure;
    }
    if (proxy && ssl) {
        // The tunnel is opened on the plain socket, before TLS is put on it.
        phase_limit.arm(std::min(deadline, clock::now() + connect_timeout),
                        interrupter::close_of(transport_));
        const error_code ec = co_await open_tunnel(transport_.socket(), ep, *proxy,
                                                   exchange_limits{}.header_limit, diag);
        phase_limit.disarm();
        if (phase_limit.fired())
            co_return phase_timed_out("CONNECT through proxy " + proxy->display, diag);
        if (ec)
            co_return ec;
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
        // The name must be in subjectAltName (RFC 9525 §6.1: no fall-back to the subject's
        // CN), and a wildcard must be a whole left-most label ("*.example.com", never
        // "w*.example.com").
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT |
                                                   X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    }
    error_code hs_ec;
    {
        phase_limit.arm(std::min(deadline, clock::now() + handshake_timeout),
                        interrupter::close_of(transport_));
        hs_ec = co_await transport_.handshake();
        phase_limit.disarm();
        if (phase_limit.fired())
            co_return phase_timed_out("TLS handshake", diag);
    }
    if (hs_ec) {
        // Nothing of this failure may stay in the thread's error queue, where the next OpenSSL
        // call of any connection (or of the application) would read it as its own.
        ERR_clear_error();
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
    // This loop only performs what http_exchange decides. The reads stay inline (no coroutine
    // per read): this is the hot path of every request.
    reusable_ = false;
    exchange_limits limits;
    limits.body_limit = body_limit;
    using kind = http_exchange::action::kind;
    http_exchange::action next = exchange_.start(wire, limits, diag);
    for (;;) {
        switch (next.what) {
        case kind::write: {
            const error_code ec = co_await transport_.write_all(
                std::string_view(static_cast<const char*>(next.out.data()), next.out.size()));
            next = ec ? exchange_.on_error(ec) : exchange_.on_written();
            break;
        }
        case kind::read: {
            // After a read that drained the socket, wait rather than probe (input_drained).
            if (transport_.input_drained()) {
                auto [ec] = co_await transport_.wait(transport::wait_for::readable);
                exchange_.on_suspended();
                if (ec) {
                    next = exchange_.on_error(ec);
                    break;
                }
            }
            const transport::step s = transport_.try_read(next.in);
            if (s.bytes != 0)
                next = exchange_.on_read(s.bytes);
            else if (is_end_of_stream(s.ec))
                next = exchange_.on_end_of_stream(s.ec == net::error::eof);
            else if (s.ec)
                next = exchange_.on_error(s.ec);
            else if (s.wait == transport::wait_for::writable) {
                // TLS may need to write before it can read (a key update).
                auto [ec] = co_await transport_.wait(s.wait);
                exchange_.on_suspended();
                if (ec)
                    next = exchange_.on_error(ec);
            }
            break;
        }
        case kind::yield:
            // Behind whatever the strand has queued (a deadline that closed this connection,
            // other calls' timers and reads): a peer that keeps the socket full would
            // otherwise hold the strand for as long as it likes.
            co_await net::post(transport_.socket().get_executor(), use_awaitable);
            next = is_open() ? exchange_.on_resumed()
                             : exchange_.on_error(net::error::operation_aborted);
            break;
        case kind::done:
            ++exchanges;
            reusable_ = exchange_.leaves_connection_reusable() && !transport_.has_buffered_input();
            co_return error_code{};
        case kind::fail:
            co_return next.error;
        }
    }
}

} // namespace rerank::detail
