// What the emulator counted, for tests to check.
#pragma once

#include <rerank/emulator/header_fields.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace rerank::emulator {

/// A request as received (the Authorization header included: this is test data, never logged).
struct recorded_request {
    std::string method;    ///< as sent ("POST")
    std::string target;    ///< path and query string, as sent
    header_fields headers; ///< every header field, in arrival order
    std::string body;      ///< as received
};

/// A snapshot of the server's counters. Counters count since the start or the last
/// `server::reset_stats()`.
struct server_stats {
    /// Requests fully read (whatever was answered, faults included; a 413 counts).
    std::size_t requests = 0;
    /// The same, by request path (the target without its query string).
    std::map<std::string, std::size_t, std::less<>> requests_by_path;
    /// Responses whose header was sent, by status (faults that send nothing are not counted).
    std::map<unsigned, std::size_t> responses_by_status;
    /// Requests refused with a 429 for the quota (`options::requests_per_minute` and
    /// `tokens_per_minute`).
    std::size_t throttled = 0;
    /// Faults other than `none` applied (a delay alone counts).
    std::size_t faults_applied = 0;
    /// Connections accepted.
    std::size_t connections_accepted = 0;
    /// Connections open now (not reset by `reset_stats`).
    std::size_t connections_open = 0;
    /// Most connections open at once (reset to `connections_open`).
    std::size_t max_connections_open = 0;
    /// The most recent request; nullopt before the first.
    std::optional<recorded_request> last_request;
};

} // namespace rerank::emulator
