// An OpenSSL BIO over an Asio TCP socket's descriptor that never raises SIGPIPE.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <openssl/bio.h>

#include <string>

namespace rerank::detail {

/// What the BIO reads and writes, and what it learnt of the socket. Must outlive the BIO.
struct socket_bio_target {
    boost::asio::ip::tcp::socket* socket = nullptr;
    /// Whether the last read took less than asked (or would have blocked): the kernel had no
    /// more input then, so the next read should wait for readiness rather than probe.
    bool input_drained = false;
    /// While set, writes are appended to `gathered` instead of sent: the TLS records of one
    /// request then leave in one system call instead of one per 16 KB record.
    bool gather = false;
    std::string gathered;
};

/// A new BIO that reads and writes `target.socket`'s descriptor directly (non-blocking:
/// would-block becomes an OpenSSL retry), or null when out of memory. OpenSSL's own socket BIO
/// writes with plain send(), which kills the process with SIGPIPE when the server has closed;
/// this one sends with MSG_NOSIGNAL, like Asio. The descriptor is read at each call (after
/// close() the BIO sees an invalid one, never a reused one).
BIO* make_socket_bio(socket_bio_target& target);

} // namespace rerank::detail
