#include "emulator/stats_recorder.hpp"

#include <algorithm>

namespace rerank::emulator::detail {

void stats_recorder::connection_opened() {
    std::lock_guard lock(mutex_);
    ++stats_.connections_accepted;
    ++stats_.connections_open;
    stats_.max_connections_open = std::max(stats_.max_connections_open, stats_.connections_open);
}

void stats_recorder::connection_closed() {
    std::lock_guard lock(mutex_);
    --stats_.connections_open;
}

void stats_recorder::request_received(std::string_view path, recorded_request request) {
    std::lock_guard lock(mutex_);
    ++stats_.requests;
    auto found = stats_.requests_by_path.find(path);
    if (found == stats_.requests_by_path.end())
        stats_.requests_by_path.emplace(std::string(path), 1);
    else
        ++found->second;
    stats_.last_request = std::move(request);
}

void stats_recorder::fault_applied() {
    std::lock_guard lock(mutex_);
    ++stats_.faults_applied;
}

void stats_recorder::throttled() {
    std::lock_guard lock(mutex_);
    ++stats_.throttled;
}

void stats_recorder::response_started(unsigned status) {
    std::lock_guard lock(mutex_);
    ++stats_.responses_by_status[status];
}

server_stats stats_recorder::snapshot() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

void stats_recorder::reset() {
    std::lock_guard lock(mutex_);
    const std::size_t open = stats_.connections_open;
    stats_ = server_stats{};
    stats_.connections_open = open;
    stats_.max_connections_open = open;
}

} // namespace rerank::emulator::detail
