#include "http/tls_session_cache.hpp"

namespace rerank::detail {

tls_session_cache::~tls_session_cache() {
    for (SSL_SESSION* session : sessions_)
        SSL_SESSION_free(session);
}

SSL_SESSION* tls_session_cache::to_offer() {
    if (sessions_.empty())
        return nullptr;
    SSL_SESSION* newest = sessions_.back();
    if (SSL_SESSION_get_protocol_version(newest) >= TLS1_3_VERSION) {
        sessions_.pop_back(); // single use: the caller takes over our reference
        return newest;
    }
    SSL_SESSION_up_ref(newest);
    return newest;
}

void tls_session_cache::keep(SSL_SESSION* fresh) {
    if (sessions_.size() >= capacity_) {
        SSL_SESSION_free(sessions_.front());
        sessions_.erase(sessions_.begin());
    }
    sessions_.push_back(fresh);
}

} // namespace rerank::detail
