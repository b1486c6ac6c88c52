#include <rerank/prometheus/metrics_observer.hpp>

#include <prometheus/text_serializer.h>

#include <chrono>

namespace rerank::prometheus {

namespace {

namespace pm = ::prometheus;

/// Latencies of rerank requests: 5 ms to a minute.
pm::Histogram::BucketBoundaries latency_buckets() {
    return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

double seconds(std::chrono::microseconds d) {
    return std::chrono::duration<double>(d).count();
}

pm::Histogram& histogram(pm::Registry& registry, const char* name, const char* help) {
    return pm::BuildHistogram().Name(name).Help(help).Register(registry).Add({}, latency_buckets());
}

pm::Counter& counter(pm::Registry& registry, const char* name, const char* help) {
    return pm::BuildCounter().Name(name).Help(help).Register(registry).Add({});
}

std::shared_ptr<pm::Registry> or_new(std::shared_ptr<pm::Registry> registry) {
    return registry ? std::move(registry) : std::make_shared<pm::Registry>();
}

} // namespace

metrics_observer::metrics_observer(std::shared_ptr<pm::Registry> registry)
    : registry_(or_new(std::move(registry)))
    , requests_(pm::BuildCounter()
                    .Name("rerank_requests_total")
                    .Help("HTTP requests sent to the rerank API (attempts), by response status")
                    .Register(*registry_))
    , request_duration_(histogram(*registry_, "rerank_request_duration_seconds",
                                  "Latency of HTTP attempts, waiting for a connection included"))
    , call_duration_(histogram(*registry_, "rerank_call_duration_seconds",
                               "Duration of rerank calls, retries and sub-requests included"))
    , retries_(pm::BuildCounter()
                   .Name("rerank_retries_total")
                   .Help("HTTP requests sent again, by reason")
                   .Register(*registry_))
    , documents_(counter(*registry_, "rerank_documents_total", "Documents of completed calls"))
    , tokens_(counter(*registry_, "rerank_tokens_total",
                      "Tokens the server counted for successful calls"))
    , throttled_(counter(*registry_, "rerank_throttled_total",
                         "Throttling answers (HTTP 429 not about billing)")) {
    auto& lookups = pm::BuildCounter()
                        .Name("rerank_cache_lookups_total")
                        .Help("Documents looked up in the score cache, by result")
                        .Register(*registry_);
    cache_hits_ = &lookups.Add({{"result", "hit"}});
    cache_misses_ = &lookups.Add({{"result", "miss"}});
    auto& connections = pm::BuildGauge()
                            .Name("rerank_pool_connections")
                            .Help("Connections of the client's pool, by state (at scrape time)")
                            .Register(*registry_);
    idle_connections_ = &connections.Add({{"state", "idle"}});
    connections_in_use_ = &connections.Add({{"state", "in_use"}});
}

void metrics_observer::update_pool(const pool_stats& stats) {
    idle_connections_->Set(static_cast<double>(stats.idle));
    connections_in_use_->Set(static_cast<double>(stats.in_use));
}

std::string metrics_observer::text() const {
    return pm::TextSerializer().Serialize(registry_->Collect());
}

void metrics_observer::on_call_end(const call_end_event& e) {
    call_duration_.Observe(seconds(e.duration));
    documents_.Increment(static_cast<double>(e.documents));
    if (!e.error)
        tokens_.Increment(static_cast<double>(e.input_tokens));
}

void metrics_observer::on_attempt_end(const attempt_end_event& e) {
    const auto& call = e.attempt.call;
    requests_
        .Add({{"dialect", std::string(to_string(call.dialect))},
              {"model", std::string(call.model)},
              {"status", e.http_status != 0 ? std::to_string(e.http_status) : "none"}})
        .Increment();
    request_duration_.Observe(seconds(e.latency));
    if (e.outcome == attempt_outcome::throttled)
        throttled_.Increment();
}

void metrics_observer::on_retry(const retry_event& e) {
    retries_.Add({{"reason", std::string(to_string(e.reason))}}).Increment();
}

void metrics_observer::on_cache_lookup(const cache_lookup_event& e) {
    cache_hits_->Increment(static_cast<double>(e.hits));
    cache_misses_->Increment(static_cast<double>(e.misses));
}

} // namespace rerank::prometheus
