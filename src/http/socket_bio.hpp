// An OpenSSL BIO over an Asio TCP socket's descriptor that never raises SIGPIPE.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <openssl/bio.h>

namespace rerank::detail {

/// A new BIO that reads and writes `socket`'s descriptor directly (non-blocking: would-block
/// becomes an OpenSSL retry), or null when out of memory. OpenSSL's own socket BIO writes with
/// plain send(), which kills the process with SIGPIPE when the server has closed; this one
/// sends with MSG_NOSIGNAL, like Asio. The socket is read at each call (after close() the BIO
/// sees an invalid descriptor, never a reused one) and must outlive the BIO.
BIO* make_socket_bio(boost::asio::ip::tcp::socket& socket);

} // namespace rerank::detail
