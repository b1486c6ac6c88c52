// The server's counters, updated from every connection's coroutine.
#pragma once

#include <rerank/emulator/server_stats.hpp>

#include <mutex>

namespace rerank::emulator::detail {

/// Thread-safe `server_stats`. Everything is recorded before the matching bytes are sent, so a
/// client that got an answer always finds its request counted.
class stats_recorder {
public:
    void connection_opened();
    void connection_closed();
    /// A request fully read; `path` is its target without the query string.
    void request_received(std::string_view path, recorded_request request);
    void fault_applied();
    void throttled();
    void response_started(unsigned status);

    server_stats snapshot() const;
    void reset();

private:
    mutable std::mutex mutex_;
    server_stats stats_;
};

} // namespace rerank::emulator::detail
