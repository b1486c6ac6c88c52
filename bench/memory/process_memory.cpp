#include "process_memory.hpp"

#include <sys/resource.h>

#include <fstream>
#include <string>

namespace rerank::bench {
namespace {

// The "<field>:   <n> kB" line of /proc/self/status, in bytes.
std::size_t status_field_bytes(const std::string& field) {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
        if (line.starts_with(field + ":"))
            return std::stoull(line.substr(field.size() + 1)) * 1024;
    return 0;
}

} // namespace

std::size_t current_rss_bytes() {
    return status_field_bytes("VmRSS");
}

std::size_t peak_rss_bytes() {
    return status_field_bytes("VmHWM");
}

std::size_t rusage_max_rss_bytes() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<std::size_t>(usage.ru_maxrss) * 1024;
}

} // namespace rerank::bench
