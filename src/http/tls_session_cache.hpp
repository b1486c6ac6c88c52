// TLS sessions kept for resuming new connections of a pool.
#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <vector>

namespace rerank::detail {

/// Makes every SSL object of `ctx` report each resumable session its server sends (every TLS
/// 1.3 ticket, not only the latest: servers such as lighttpd send tickets after full
/// handshakes only, so a pool that kept one per connection would resume every other
/// connection) to the list `collect_sessions` named for it. Needs client session caching
/// (`SSL_SESS_CACHE_CLIENT`).
void report_new_sessions(SSL_CTX* ctx);

/// Where `ssl`'s new sessions go (copies, owned by the list; at most 8, oldest dropped). The
/// list must outlive `ssl`. Without it, new sessions are dropped.
void collect_sessions(SSL* ssl, std::vector<SSL_SESSION*>& into);

/// Sessions to offer to new connections, newest first. A TLS 1.3 session (a ticket) is offered
/// once only (RFC 8446 C.4: servers such as nginx refuse a ticket's second use); an older
/// protocol's session may be offered again. Holds at most `capacity` sessions, dropping the
/// oldest (the pool keeps two per connection: a full pool resumes after a mass close even when
/// the server sends tickets only after full handshakes).
class tls_session_cache {
public:
    explicit tls_session_cache(std::size_t capacity)
        : capacity_(capacity == 0 ? 1 : capacity) {}
    ~tls_session_cache();
    tls_session_cache(const tls_session_cache&) = delete;
    tls_session_cache& operator=(const tls_session_cache&) = delete;

    /// A session to offer to a new connection (the caller frees it), or null.
    SSL_SESSION* to_offer();
    /// Keeps `fresh` (takes over the caller's reference), dropping the oldest when full.
    void keep(SSL_SESSION* fresh);

    std::size_t size() const noexcept { return sessions_.size(); }

private:
    std::size_t capacity_;
    std::vector<SSL_SESSION*> sessions_; // newest last, owned
};

} // namespace rerank::detail
