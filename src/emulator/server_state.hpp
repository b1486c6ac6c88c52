// What the listener and every connection of one server share.
#pragma once

#include "emulator/fault_schedule.hpp"
#include "emulator/rate_gate.hpp"
#include "emulator/stats_recorder.hpp"

#include <rerank/emulator/options.hpp>

#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <cstdint>
#include <optional>

namespace rerank::emulator::detail {

struct server_state {
    explicit server_state(options o)
        : opts(std::move(o))
        , quota(opts.requests_per_minute, opts.tokens_per_minute, opts.quota_burst) {}

    /// Immutable once the server is started.
    const options opts;
    /// Set when serving HTTPS.
    std::optional<boost::asio::ssl::context> tls;
    stats_recorder stats;
    fault_schedule faults;
    rate_gate quota;
    std::atomic<std::uint64_t> next_sequence{0};
    std::atomic<std::uint64_t> next_connection{0};
};

} // namespace rerank::emulator::detail
