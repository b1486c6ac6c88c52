// This process's resident memory, as the kernel accounts it.
#pragma once

#include <cstddef>

namespace rerank::bench {

/// Resident set size now (`VmRSS` of /proc/self/status), in bytes; 0 if unreadable.
std::size_t current_rss_bytes();

/// Peak resident set size since the process started (`VmHWM` of /proc/self/status), in
/// bytes; 0 if unreadable.
std::size_t peak_rss_bytes();

/// The same peak as getrusage(RUSAGE_SELF) reports it (`ru_maxrss`, KiB on Linux), in bytes.
std::size_t rusage_max_rss_bytes();

} // namespace rerank::bench
