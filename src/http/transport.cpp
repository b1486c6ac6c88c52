#include "http/transport.hpp"

#include "http/socket_bio.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include <openssl/err.h>

#include <cerrno>

namespace rerank::detail {

namespace net = boost::asio;

transport::transport(const net::any_io_executor& ex, net::ssl::context* tls)
    : socket_(ex)
    , tls_(tls != nullptr) {
    bio_target_.socket = &socket_;
    if (tls)
        ssl_ = SSL_new(tls->native_handle()); // null (out of memory) fails attach()
}

transport::~transport() {
    if (ssl_)
        SSL_free(ssl_);
}

error_code transport::attach() {
    error_code ec;
    socket_.non_blocking(true, ec);
    if (ec || !tls_)
        return ec;
    if (!ssl_)
        return net::error::no_memory;
    BIO* bio = make_socket_bio(bio_target_);
    if (!bio)
        return net::error::no_memory;
    SSL_set_bio(ssl_, bio, bio); // the SSL object owns it
    // Partial writes: SSL_write returns after each record (write_all loops, the BIO gathers
    // them). Read-ahead lets one recv() take several records instead of a header and a body
    // per record.
    SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_set_read_ahead(ssl_, 1);
    // A 64 KB read buffer: with read-ahead one recv() takes a large response's records at once.
    SSL_set_default_read_buffer_len(ssl_, 64 * 1024);
    SSL_set_connect_state(ssl_);
    return {};
}

transport::step transport::tls_failure(int ret, int sys_errno) {
    switch (SSL_get_error(ssl_, ret)) {
    case SSL_ERROR_WANT_READ:
        return {0, wait_for::readable, {}};
    case SSL_ERROR_WANT_WRITE:
        return {0, wait_for::writable, {}};
    case SSL_ERROR_ZERO_RETURN:
        return {0, wait_for::nothing, net::error::eof};
    case SSL_ERROR_SYSCALL:
        if (sys_errno != 0)
            return {0, wait_for::nothing, error_code(sys_errno, boost::system::system_category())};
        return {0, wait_for::nothing, net::ssl::error::stream_truncated};
    default: {
        // SSL_ERROR_SSL, or a result this client never asks for (X509 lookup, async, ...):
        // always an error, never the zero code of an empty error queue.
        const unsigned long err = ERR_get_error();
        ERR_clear_error();
        if (ERR_GET_REASON(err) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
            return {0, wait_for::nothing, net::ssl::error::stream_truncated};
        if (err == 0)
            return {0, wait_for::nothing, net::ssl::error::unexpected_result};
        return {0, wait_for::nothing,
                error_code(static_cast<int>(err), net::error::get_ssl_category())};
    }
    }
}

namespace {

// A plain socket's non-blocking call as a step: would-block means wait for `readiness`.
transport::step plain_step(std::size_t bytes, const error_code& ec, transport::wait_for readiness) {
    if (ec == net::error::would_block || ec == net::error::try_again)
        return {0, readiness, {}};
    return {bytes, transport::wait_for::nothing, ec};
}

} // namespace

template <class TlsCall>
transport::step transport::tls_step(TlsCall call) {
    ERR_clear_error(); // SSL_get_error reads the thread's error queue
    errno = 0;
    std::size_t bytes = 0;
    const int ret = call(bytes);
    if (ret == 1)
        return {bytes, wait_for::nothing, {}};
    return tls_failure(ret, errno);
}

transport::step transport::try_handshake() {
    return tls_step([this](std::size_t&) { return SSL_do_handshake(ssl_); });
}

transport::step transport::try_write(net::const_buffer data) {
    if (!ssl_) {
        error_code ec;
        const std::size_t n = socket_.write_some(data, ec);
        return plain_step(n, ec, wait_for::writable);
    }
    return tls_step(
        [&](std::size_t& n) { return SSL_write_ex(ssl_, data.data(), data.size(), &n); });
}

transport::step transport::try_read(net::mutable_buffer into) {
    if (!ssl_) {
        error_code ec;
        const std::size_t n = socket_.read_some(into, ec);
        bio_target_.input_drained = n < into.size();
        return plain_step(n, ec, wait_for::readable);
    }
    return tls_step(
        [&](std::size_t& n) { return SSL_read_ex(ssl_, into.data(), into.size(), &n); });
}

net::awaitable<error_code> transport::handshake() {
    for (;;) {
        const step s = try_handshake();
        if (s.ec || s.wait == wait_for::nothing)
            co_return s.ec;
        if (auto [ec] = co_await wait(s.wait); ec)
            co_return ec;
    }
}

net::awaitable<error_code> transport::write_all(std::string_view data) {
    if (!ssl_)
        co_return co_await send_all(data);
    // Encrypt the whole request into the BIO's gathering buffer, then send it at once. SSL_write
    // cannot block on that BIO; should TLS need to read first (it does not, for a client that
    // never renegotiates), what was gathered goes out before waiting.
    std::string& gathered = bio_target_.gathered;
    gathered.clear();
    error_code ec;
    while (!data.empty() && !ec) {
        bio_target_.gather = true;
        const step s = try_write(net::buffer(data.data(), data.size()));
        bio_target_.gather = false;
        data.remove_prefix(s.bytes);
        ec = s.ec;
        if (!ec && s.wait != wait_for::nothing) {
            ec = co_await send_all(gathered);
            gathered.clear();
            if (!ec)
                std::tie(ec) = co_await wait(s.wait);
        }
    }
    if (!ec)
        ec = co_await send_all(gathered);
    gathered.clear();
    co_return ec;
}

net::awaitable<error_code> transport::send_all(std::string_view bytes) {
    while (!bytes.empty()) {
        error_code ec;
        bytes.remove_prefix(socket_.write_some(net::buffer(bytes.data(), bytes.size()), ec));
        if (ec == net::error::would_block || ec == net::error::try_again)
            std::tie(ec) = co_await wait(wait_for::writable);
        if (ec)
            co_return ec;
    }
    co_return error_code{};
}

bool transport::has_buffered_input() const noexcept {
    return ssl_ && SSL_has_pending(ssl_) == 1;
}

void transport::close() noexcept {
    error_code ignored;
    socket_.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

} // namespace rerank::detail
