// What an I/O error of a connection means for a call.
#pragma once

#include <rerank/diagnostics.hpp>
#include <rerank/error.hpp>

#include <string_view>

namespace rerank::detail {

/// Maps an I/O error of a phase ("connect", "TLS handshake", "write", "read") to the library's
/// error and says what happened in `diag.client_message`: Beast's timeout is `timeout`, an
/// aborted operation `cancelled`, a truncated message `connection_failed`, other HTTP parse
/// errors `bad_response`, TLS errors `tls_failure` (a TLS stream cut short:
/// `connection_failed`), anything else `connection_failed`.
error_code classify_io_error(const error_code& io, std::string_view phase, diagnostics& diag);

} // namespace rerank::detail
