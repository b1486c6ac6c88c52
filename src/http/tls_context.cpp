#include "http/tls_context.hpp"

#include "http/tls_session_cache.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace rerank::detail {

error_code make_tls_context(const tls_options& opts,
                            std::unique_ptr<boost::asio::ssl::context>& out, diagnostics& diag) {
    namespace ssl = boost::asio::ssl;
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    // Sessions are kept by each connection pool and offered on new connections (resumption).
    SSL_CTX_set_session_cache_mode(ctx->native_handle(),
                                   SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL);
    report_new_sessions(ctx->native_handle());
    // A server asking to renegotiate (TLS 1.2) is refused: the client never needs it, and a
    // renegotiation can change the peer's identity mid-connection.
    SSL_CTX_set_options(ctx->native_handle(), SSL_OP_NO_RENEGOTIATION);

    if (opts.insecure_skip_verification) {
        ctx->set_verify_mode(ssl::verify_none);
        out = std::move(ctx);
        return {};
    }
    ctx->set_verify_mode(ssl::verify_peer);
    error_code ec;
    if (opts.use_system_trust_store) {
        ctx->set_default_verify_paths(ec);
        if (ec) {
            diag.client_message = "cannot load the system trust store: " + ec.message();
            return errc::invalid_request;
        }
    }
    if (!opts.ca_file.empty()) {
        ctx->load_verify_file(opts.ca_file, ec);
        if (ec) {
            diag.client_message = "cannot load CA file '" + opts.ca_file + "': " + ec.message();
            return errc::invalid_request;
        }
    }
    out = std::move(ctx);
    return {};
}

std::string describe_tls_error(SSL* ssl, const error_code& ec) {
    if (ssl) {
        long result = SSL_get_verify_result(ssl);
        if (result != X509_V_OK)
            return std::string("certificate verify failed: ") +
                   X509_verify_cert_error_string(result);
    }
    return "TLS handshake failed: " + ec.message();
}

} // namespace rerank::detail
