#include "report.hpp"

#include "text/printable.hpp"

#include <cstdarg>
#include <cstdio>

namespace rerank::bench {

namespace {

// printf into a std::string, for the fixed-precision numbers of both reports.
[[gnu::format(printf, 2, 3)]] void append(std::string& out, const char* format, ...) {
    char buffer[512];
    va_list args;
    va_start(args, format);
    const int n = std::vsnprintf(buffer, sizeof buffer, format, args);
    va_end(args);
    if (n > 0)
        out.append(buffer, std::min(static_cast<std::size_t>(n), sizeof buffer - 1));
}

double per_second(std::uint64_t n, double seconds) {
    return seconds > 0 ? static_cast<double>(n) / seconds : 0;
}

double ms(std::uint64_t nanoseconds) {
    return static_cast<double>(nanoseconds) / 1e6;
}

unsigned long long ull(std::uint64_t n) {
    return static_cast<unsigned long long>(n);
}

// `,"<name>":{"p50":..,"p90":..,"p99":..,"p999":..,"max":..}`
void append_json(std::string& out, const char* name, const percentiles_ms& p) {
    append(out, ",\"%s\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f}", name,
           p.p50, p.p90, p.p99, p.p999, p.max);
}

// `<label>p50 .. ms, p90 .. ms, p99 .. ms, p99.9 .. ms, max .. ms` and a newline.
void append_line(std::string& out, const char* label, const percentiles_ms& p) {
    append(out, "%sp50 %.3f ms, p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms\n", label,
           p.p50, p.p90, p.p99, p.p999, p.max);
}

// `pacing       ...` and a newline: the configured limits and where the quota is kept (the
// Redis URL without its password).
void append_pacing(std::string& out, const rerank::rate_limit_options& rl) {
    out += "pacing       ";
    if (rl.requests_per_minute > 0 || rl.tokens_per_minute > 0)
        append(out, "%g requests/min, %g tokens/min (0: no limit)", rl.requests_per_minute,
               rl.tokens_per_minute);
    else
        out += "no limit configured";
    out += rl.adaptive ? ", adaptive" : ", not adaptive";
    if (!rl.redis.url.empty())
        out += ", shared through " + rerank::text::printable_url(rl.redis.url);
    if (!rl.quota_key.empty())
        out += ", quota key " + rerank::text::printable(rl.quota_key);
    out += '\n';
}

} // namespace

percentiles_ms percentiles_of(const latency_histogram& h) {
    percentiles_ms p;
    p.p50 = ms(h.value_at(0.5));
    p.p90 = ms(h.value_at(0.9));
    p.p99 = ms(h.value_at(0.99));
    p.p999 = ms(h.value_at(0.999));
    p.max = ms(h.max());
    return p;
}

figures compute_figures(const load_result& r) {
    figures f;
    f.requests_per_s = per_second(r.requests, r.duration_s);
    f.documents_per_s = per_second(r.documents, r.duration_s);
    f.tokens_per_s = per_second(r.tokens, r.duration_s);
    f.cpu_us_per_request = r.requests > 0 ? r.cpu_s * 1e6 / static_cast<double>(r.requests) : 0;
    f.latency = percentiles_of(r.latency);
    f.admission_wait = percentiles_of(r.admission_wait);
    return f;
}

std::string json_report(const load_result& r) {
    const figures f = compute_figures(r);
    std::string out;
    append(out, "{\"requests\":%llu,\"errors\":{", ull(r.requests));
    const char* separator = "";
    // Error class names are identifiers ("rate_limited", "other"): nothing to escape.
    for (const auto& [name, n] : r.errors) {
        append(out, "%s\"%s\":%llu", separator, name.c_str(), ull(n));
        separator = ",";
    }
    append(out, "},\"duration_s\":%.6f,\"requests_per_s\":%.1f,\"documents_per_s\":%.1f",
           r.duration_s, f.requests_per_s, f.documents_per_s);
    append(out, ",\"tokens_per_s\":%.1f", f.tokens_per_s);
    append(out, ",\"http_requests\":%llu,\"documents_sent\":%llu,\"documents_cached\":%llu",
           ull(r.http_requests), ull(r.documents_sent), ull(r.documents_cached));
    append_json(out, "latency_ms", f.latency);
    append(out, ",\"throttled\":%llu", ull(r.throttled));
    append_json(out, "admission_wait_ms", f.admission_wait);
    append(out, ",\"cpu_us_per_request\":%.2f,\"connections_opened\":%llu", f.cpu_us_per_request,
           ull(r.pool.connections_created));
    append(out, ",\"handshakes\":{\"full\":%llu,\"resumed\":%llu}}\n", ull(r.pool.handshakes_full),
           ull(r.pool.handshakes_resumed));
    return out;
}

std::string table_report(const bench_options& o, const load_result& r) {
    const figures f = compute_figures(r);
    std::string out;
    append(out, "target       %s (%s)\n", rerank::text::printable_url(o.base_url).c_str(),
           std::string(rerank::to_string(o.dialect)).c_str());
    if (o.rate)
        append(out, "load         open loop, %.1f calls/s, at most %zu in flight", *o.rate,
               o.concurrency);
    else
        append(out, "load         closed loop, %zu calls in flight", o.concurrency);
    append(out, ", %zu connections, %u thread%s\n", o.connections, o.threads,
           o.threads == 1 ? "" : "s");
    append(out, "request      %zu documents x %zu B, query %zu B", o.documents, o.doc_bytes,
           o.query_bytes);
    if (o.top_n)
        append(out, ", top_n %zu", *o.top_n);
    if (o.repeat_fraction)
        append(out, ", made anew per call, %.2f repeated (seed %llu)", *o.repeat_fraction,
               ull(o.seed));
    if (o.cache_mb > 0)
        append(out, ", score cache %zu MiB", o.cache_mb);
    out += '\n';
    append_pacing(out, o.rate_limit);
    append(out, "calls        %llu in %.2f s (%llu failed)\n", ull(r.requests), r.duration_s,
           ull(r.requests - r.succeeded));
    append(out, "throughput   %.1f calls/s, %.1f documents/s, %.1f tokens/s\n", f.requests_per_s,
           f.documents_per_s, f.tokens_per_s);
    append(out, "sent         %llu HTTP requests, %llu documents (%llu from the cache)\n",
           ull(r.http_requests), ull(r.documents_sent), ull(r.documents_cached));
    append_line(out, "latency      ", f.latency);
    append(out, "throttled    %llu answers (429), waited out and sent again\n", ull(r.throttled));
    append_line(out, "admission    ", f.admission_wait);
    append(out, "client CPU   %.2f us per call (%.3f s in the window)\n", f.cpu_us_per_request,
           r.cpu_s);
    append(out, "connections  %llu opened; TLS handshakes: %llu full, %llu resumed\n",
           ull(r.pool.connections_created), ull(r.pool.handshakes_full),
           ull(r.pool.handshakes_resumed));
    if (!r.errors.empty()) {
        out += "errors      ";
        for (const auto& [name, n] : r.errors)
            append(out, " %s %llu", name.c_str(), ull(n));
        out += '\n';
    }
    return out;
}

} // namespace rerank::bench
