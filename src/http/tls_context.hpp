// The OpenSSL context of a client: trust, verification, protocol floor.
#pragma once

#include <rerank/diagnostics.hpp>
#include <rerank/error.hpp>
#include <rerank/tls_options.hpp>

#include <boost/asio/ssl/context.hpp>

#include <memory>

namespace rerank::detail {

/// Builds a client context: TLS 1.2 minimum, peer verification against the system store and
/// `opts.ca_file` (unless verification is explicitly switched off). An unreadable CA file is
/// `errc::invalid_request`.
error_code make_tls_context(const tls_options& opts,
                            std::unique_ptr<boost::asio::ssl::context>& out, diagnostics& diag);

/// Describes a failed handshake for people: OpenSSL's verification result when there is one
/// ("certificate verify failed: Hostname mismatch"), the error text otherwise.
std::string describe_tls_error(SSL* ssl, const error_code& ec);

} // namespace rerank::detail
