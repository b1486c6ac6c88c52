// The exception thrown by the coroutine conveniences.
#pragma once

#include <rerank/diagnostics.hpp>
#include <rerank/error.hpp>

#include <boost/system/system_error.hpp>

#include <string>

namespace rerank {

/// A `system_error` carrying the call's `diagnostics`. Thrown by `client::rerank()`;
/// `what()` names the error class, HTTP status, provider code and request id.
class error_with_diagnostics : public boost::system::system_error {
public:
    /// The error `ec` of a call and what its `diag` says about it.
    error_with_diagnostics(error_code ec, diagnostics diag);
    /// The call's diagnostics, as the server and the client described the failure.
    const rerank::diagnostics& diagnostics() const noexcept { return diag_; }
    /// "rate_limited: rate limited by the server; retry later (HTTP 429, code Throttling,
    /// request id ...: Requests rate limit exceeded)". One line, safe to print: the diagnostics
    /// part is `diagnostics::to_string()`, which escapes control characters.
    const char* what() const noexcept override { return message_.c_str(); }

private:
    rerank::diagnostics diag_;
    std::string message_;
};

/// Throws `rerank::error_with_diagnostics` when `ec` is set.
void throw_on_error(error_code ec, const diagnostics& diag);

} // namespace rerank
