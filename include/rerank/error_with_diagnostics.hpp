// The exception thrown by the coroutine conveniences.
#pragma once

#include <rerank/diagnostics.hpp>
#include <rerank/error.hpp>

#include <boost/system/system_error.hpp>

namespace rerank {

/// A `system_error` carrying the call's `diagnostics`. Thrown by `client::rerank()`;
/// `what()` names the error class, HTTP status, provider code and request id.
class error : public boost::system::system_error {
public:
    error(error_code ec, diagnostics diag);
    const rerank::diagnostics& diagnostics() const noexcept { return diag_; }

private:
    rerank::diagnostics diag_;
};

/// Throws `rerank::error` when `ec` is set.
void throw_on_error(error_code ec, const diagnostics& diag);

} // namespace rerank
