#include "progress_line.hpp"

#include <cstdio>

namespace rerank::bench {

using clock = std::chrono::steady_clock;

progress_line::progress_line()
    : start_(clock::now())
    , last_(start_) {}

void progress_line::show(bool warming_up, std::uint64_t completed, std::uint64_t failed) {
    const auto now = clock::now();
    const double since_last = std::chrono::duration<double>(now - last_).count();
    const double rate =
        since_last > 0 ? static_cast<double>(completed - last_completed_) / since_last : 0;
    // \r and "erase to end of line" (ESC [K): the line is rewritten in place.
    std::fprintf(stderr, "\r\033[K%6.1f s  %-9s  %llu calls  %.0f calls/s  %llu failed",
                 std::chrono::duration<double>(now - start_).count(),
                 warming_up ? "warm-up" : "measuring", static_cast<unsigned long long>(completed),
                 rate, static_cast<unsigned long long>(failed));
    std::fflush(stderr);
    last_ = now;
    last_completed_ = completed;
    shown_ = true;
}

void progress_line::clear() {
    if (!shown_)
        return;
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    shown_ = false;
}

} // namespace rerank::bench
