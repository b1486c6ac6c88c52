// The bytes of one connection: a TCP socket, with TLS done by OpenSSL straight on the socket.
#pragma once

#include "http/socket_bio.hpp"

#include <rerank/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/ssl.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rerank::detail {

/// Asio's ssl::stream moves every byte through a BIO pair (two more copies of each body) and
/// runs a stack of composed operations per TLS record, each copying type-erased executors;
/// that was most of the client's CPU per request. Here OpenSSL reads and writes the
/// non-blocking socket itself (see socket_bio.hpp), and the caller waits for readiness only
/// when a step says it must: `try_*` never block, `wait` suspends.
///
/// Not thread-safe: all members run on the connection's strand. Closing the socket completes
/// a pending wait with `operation_aborted`; no step may run after `close()`.
class transport {
public:
    enum class wait_for : std::uint8_t { nothing, readable, writable };

    /// The outcome of one non-blocking step: bytes moved, or what to wait for before trying
    /// again, or an error (`net::error::eof` for an orderly end of stream;
    /// `ssl::error::stream_truncated` for a TLS stream cut without close_notify).
    struct step {
        std::size_t bytes = 0;
        wait_for wait = wait_for::nothing;
        error_code ec;
    };

    /// `tls` is the client's context for https endpoints, null for plain http.
    transport(const boost::asio::any_io_executor& ex, boost::asio::ssl::context* tls);
    ~transport();
    transport(const transport&) = delete;
    transport& operator=(const transport&) = delete;

    boost::asio::ip::tcp::socket& socket() noexcept { return socket_; }
    /// The TLS connection (for sessions, SNI, verification settings), or null for plain http
    /// (and, for https, when OpenSSL could not allocate it: `attach` then fails).
    SSL* ssl() const noexcept { return ssl_; }

    /// Once connected: makes the socket non-blocking and puts the TLS connection on it.
    error_code attach();

    step try_handshake();
    step try_write(boost::asio::const_buffer data);
    step try_read(boost::asio::mutable_buffer into);

    /// Suspends until the socket is ready as `what` asks (`what` != nothing).
    auto wait(wait_for what) {
        return socket_.async_wait(what == wait_for::readable
                                      ? boost::asio::ip::tcp::socket::wait_read
                                      : boost::asio::ip::tcp::socket::wait_write,
                                  boost::asio::as_tuple(boost::asio::use_awaitable));
    }

    /// The TLS client handshake (for https; call after `attach`).
    boost::asio::awaitable<error_code> handshake();
    /// Writes all of `data` (for TLS: encrypted whole first, then sent in one go).
    boost::asio::awaitable<error_code> write_all(std::string_view data);

    /// Whether TLS has decrypted or buffered input that no read has taken yet.
    bool has_buffered_input() const noexcept;

    /// Whether the next read should wait for readiness first: the last read found the kernel's
    /// queue empty and nothing is buffered. A read that would only fail with EAGAIN costs a
    /// system call per wait; waiting at once is safe, since Asio re-arms the descriptor for
    /// each wait (EPOLL_CTL_MOD), which reports input that arrived in between.
    bool input_drained() const noexcept {
        return bio_target_.input_drained && !has_buffered_input();
    }

    /// Shuts down and closes the socket (no close_notify is sent). Idempotent.
    void close() noexcept;

private:
    /// Runs one OpenSSL I/O call (`int call(std::size_t& bytes)`) and reads its outcome.
    template <class TlsCall>
    step tls_step(TlsCall call);
    step tls_failure(int ret, int sys_errno);
    /// Sends `bytes` on the socket as they are.
    boost::asio::awaitable<error_code> send_all(std::string_view bytes);

    boost::asio::ip::tcp::socket socket_;
    socket_bio_target bio_target_;
    bool tls_;
    SSL* ssl_ = nullptr;
};

} // namespace rerank::detail
