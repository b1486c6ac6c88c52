// What a fault hook is told about a request.
#pragma once

#include <rerank/dialect.hpp>
#include <rerank/emulator/fault.hpp>
#include <rerank/emulator/header_fields.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

namespace rerank::emulator {

/// One request, as seen by `server::set_fault_hook`'s hook. The views are valid during the call
/// only.
struct request_info {
    /// Position of the request among all the server's requests, from 0 (never reset).
    std::uint64_t sequence = 0;
    /// The connection it came on (connections are numbered from 0 in accept order).
    std::uint64_t connection_id = 0;
    /// Position of the request on its connection, from 0.
    std::size_t request_on_connection = 0;
    /// The request method as sent ("POST").
    std::string_view method;
    /// The request target as sent (path and query string).
    std::string_view target;
    /// The dialect whose endpoint the path names; nullopt for any other path.
    std::optional<rerank::dialect> dialect;
    /// The request's header fields (never null in a hook call).
    const header_fields* headers = nullptr;
    /// The request body as received.
    std::string_view body;
    /// The query and the number of documents, when the body is a well-formed request of the
    /// path's dialect (even one the server would reject, e.g. with 501 documents).
    std::optional<std::string_view> query;
    /// See `query`.
    std::optional<std::size_t> document_count;
};

/// Decides the fault for a request; runs on a server thread (concurrently when
/// `options::threads > 1`), must not block for long and must not call `server::stop()`.
/// If it throws, the request gets a 500 with code `EmulatorHookFailed` and the exception's
/// text in the `X-Emulator-Hook-Error` header.
using fault_hook = std::function<fault(const request_info&)>;

} // namespace rerank::emulator
