// Sizing and timeouts of the client's connection pool.
#pragma once

#include <chrono>
#include <cstddef>

namespace rerank {

/// A client keeps one pool of keep-alive connections, to the endpoint of its base URL.
struct pool_options {
    /// Most connections open at once; further calls wait (FIFO) for one. Default 32.
    std::size_t max_connections = 32;
    /// An idle connection is closed after this long unused. Default 30 s (below the
    /// keep-alive limits common servers use, so the client closes first).
    std::chrono::milliseconds idle_timeout = std::chrono::seconds(30);
    /// Limit for resolving and TCP-connecting; through a proxy, to the proxy, and the same
    /// again for the proxy's answer to CONNECT (`https://`). Default 10 s.
    std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);
    /// Limit for the TLS handshake. Default 10 s.
    std::chrono::milliseconds handshake_timeout = std::chrono::seconds(10);
};

} // namespace rerank
