// The CPU time the whole process has used: what a client takes from the service it runs in.
#pragma once

#include <sys/resource.h>

#include <chrono>

namespace rerank::bench {

/// User + system CPU time of the process so far, summed over all its threads (getrusage).
inline std::chrono::microseconds process_cpu_time() noexcept {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto of = [](const timeval& t) {
        return std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec);
    };
    return of(usage.ru_utime) + of(usage.ru_stime);
}

} // namespace rerank::bench
