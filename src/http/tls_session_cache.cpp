#include "http/tls_session_cache.hpp"

namespace rerank::detail {

namespace {

int session_list_index() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

constexpr std::size_t max_sessions_per_connection = 8;

int on_new_session(SSL* ssl, SSL_SESSION* session) {
    auto* into =
        static_cast<std::vector<SSL_SESSION*>*>(SSL_get_ex_data(ssl, session_list_index()));
    if (!into || !SSL_SESSION_is_resumable(session))
        return 0;
    // A copy: the latest session is also the connection's own, which OpenSSL marks not
    // resumable when the connection is freed without a close_notify sent (how pooled
    // connections end).
    SSL_SESSION* copy = SSL_SESSION_dup(session);
    if (!copy)
        return 0;
    if (into->size() >= max_sessions_per_connection) {
        SSL_SESSION_free(into->front());
        into->erase(into->begin());
    }
    into->push_back(copy);
    return 0; // OpenSSL keeps (and frees) its own reference
}

} // namespace

void report_new_sessions(SSL_CTX* ctx) {
    SSL_CTX_sess_set_new_cb(ctx, on_new_session);
}

void collect_sessions(SSL* ssl, std::vector<SSL_SESSION*>& into) {
    SSL_set_ex_data(ssl, session_list_index(), &into);
}

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
