// Error codes of the rerank library: one enum, one category.
#pragma once

#include <boost/system/error_code.hpp>

#include <iosfwd>
#include <type_traits>

namespace rerank {

using error_code = boost::system::error_code;

/// What went wrong with a rerank call. Every failure the library reports is one of these,
/// in `rerank::error_category()`; the accompanying `rerank::diagnostics` says the details
/// (HTTP status, provider code and message, request id).
enum class errc {
    /// The request was refused before anything was sent: empty query, no documents,
    /// `top_n` of 0, invalid UTF-8, a control character in a header value, a bad URL...
    invalid_request = 1,
    /// The server rejected the request as malformed or unacceptable (HTTP 400, 422, other 4xx).
    bad_request,
    /// HTTP 401: the API key is wrong, missing, or belongs to another region.
    authentication_failed,
    /// HTTP 403: the key may not use this model or workspace.
    permission_denied,
    /// HTTP 404: wrong model, path, workspace or region.
    not_found,
    /// HTTP 413: the request body is larger than the server accepts.
    request_too_large,
    /// HTTP 429 (throttling): too many requests or tokens per unit of time. Retryable.
    rate_limited,
    /// HTTP 429/400 for billing reasons (quota exhausted, account in arrears). Not retryable.
    quota_exceeded,
    /// HTTP 408 or 5xx: the server failed or is overloaded.
    server_error,
    /// HTTP 3xx: redirects are not followed; the diagnostics name the location.
    redirect_not_followed,
    /// Any other unexpected HTTP status.
    unexpected_status,
    /// The server's answer was malformed or inconsistent (bad JSON, indices out of range or
    /// repeated, non-finite scores, wrong result count, body over the size limit).
    bad_response,
    /// The call's deadline or a phase timeout expired.
    timeout,
    /// TLS failed: certificate verification, host-name mismatch, handshake error.
    tls_failure,
    /// The connection could not be made, or broke (refused, reset, closed early, DNS failure).
    connection_failed,
    /// The call was cancelled (cancellation slot, `client::cancel()`, client destroyed).
    cancelled,
    /// The shared quota store (Redis) did not answer and `rate_limit_options` says to fail
    /// rather than pace locally (`quota_store_failure::fail`).
    quota_store_unavailable,
};

/// The category of `rerank::errc`; its name is "rerank".
const boost::system::error_category& error_category() noexcept;

/// Makes an `error_code` from a `rerank::errc` (found by ADL).
inline error_code make_error_code(errc e) noexcept {
    return error_code(static_cast<int>(e), error_category());
}

/// A short stable name for the error class ("rate_limited", ...), as used in CLI messages.
const char* to_string(errc e) noexcept;

/// Writes `to_string(e)`.
std::ostream& operator<<(std::ostream& out, errc e);

} // namespace rerank

namespace boost::system {
template <>
struct is_error_code_enum<::rerank::errc> : std::true_type {};
} // namespace boost::system
