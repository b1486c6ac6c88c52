// The once-a-second status line rerank-bench keeps rewriting on stderr (a terminal).
#pragma once

#include <chrono>
#include <cstdint>

namespace rerank::bench {

class progress_line {
public:
    progress_line();
    /// Rewrites the line: time since start, phase, calls completed (all, warm-up included),
    /// the rate since the previous call, and failures.
    void show(bool warming_up, std::uint64_t completed, std::uint64_t failed);
    /// Erases the line, leaving the cursor at its start.
    void clear();

private:
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_;
    std::uint64_t last_completed_ = 0;
    bool shown_ = false;
};

} // namespace rerank::bench
