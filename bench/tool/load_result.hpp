// What a load run measured: the raw counts of the window, from which the report derives rates.
#pragma once

#include "latency_histogram.hpp"

#include <rerank/pool_stats.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace rerank::bench {

struct load_result {
    /// Calls completed inside the measured window, failed ones included.
    std::uint64_t requests = 0;
    /// Of those, the successful ones.
    std::uint64_t succeeded = 0;
    /// Failed calls by error class (`rerank::to_string(errc)`; "other" for a foreign code).
    std::map<std::string, std::uint64_t> errors;
    /// Documents ranked and `usage.total_tokens` reported by the successful calls.
    std::uint64_t documents = 0;
    std::uint64_t tokens = 0;
    /// Of the successful calls: HTTP requests sent (`response::requests`), documents sent
    /// (the calls' documents minus those from the score cache) and from the cache
    /// (`response::cached`).
    std::uint64_t http_requests = 0;
    std::uint64_t documents_sent = 0;
    std::uint64_t documents_cached = 0;
    /// Latency of the successful calls: from the call's start (closed loop) or its scheduled
    /// start (open loop) to its completion.
    latency_histogram latency;
    /// Throttling answers (HTTP 429 not about billing) the calls of the window received and
    /// waited out: the sum of their `diagnostics::throttled`.
    std::uint64_t throttled = 0;
    /// Time each call of the window, failed ones included, waited for admission by the
    /// client's pacer (`diagnostics::admission_wait`; 0 for a call that did not wait).
    latency_histogram admission_wait;
    /// Wall-clock length of the window and the process's CPU time spent in it, in seconds.
    double duration_s = 0;
    double cpu_s = 0;
    /// The client's pool counters at the end of the run (warm-up included).
    rerank::pool_stats pool;
};

} // namespace rerank::bench
