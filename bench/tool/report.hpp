// How rerank-bench shows what it measured: a table for people, one JSON object for scripts.
#pragma once

#include "bench_options.hpp"
#include "load_result.hpp"

#include <string>

namespace rerank::bench {

/// Percentiles and maximum of a histogram of nanoseconds, in ms.
struct percentiles_ms {
    double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;
};

percentiles_ms percentiles_of(const latency_histogram& h);

/// The figures both reports show, derived from the raw counts.
struct figures {
    double requests_per_s = 0;
    double documents_per_s = 0;
    double tokens_per_s = 0;
    /// The process's CPU time in the window over the calls completed in it, in µs.
    double cpu_us_per_request = 0;
    /// Latency of successful calls.
    percentiles_ms latency;
    /// Wait for admission by the client's pacer, per call.
    percentiles_ms admission_wait;
};

figures compute_figures(const load_result& r);

/// `{"requests":n,"errors":{"<class>":n},"duration_s":s,"requests_per_s":r,"documents_per_s":d,
/// "tokens_per_s":t,"latency_ms":{"p50","p90","p99","p999","max"},"throttled":n,
/// "admission_wait_ms":{"p50","p90","p99","p999","max"},"cpu_us_per_request":c,
/// "connections_opened":k,"handshakes":{"full","resumed"}}` and a newline.
std::string json_report(const load_result& r);

/// A few aligned lines: the set-up, then what was measured.
std::string table_report(const bench_options& o, const load_result& r);

} // namespace rerank::bench
