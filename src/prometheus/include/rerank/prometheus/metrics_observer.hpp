// rerank::prometheus: a client observer that keeps Prometheus metrics (prometheus-cpp).
// Built only when prometheus-cpp is found (Debian: prometheus-cpp-dev); link rerank::prometheus.
#pragma once

#include <rerank/observer.hpp>
#include <rerank/pool_stats.hpp>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

namespace rerank::prometheus {

/// Counts what the clients it observes do, in a prometheus-cpp registry:
/// - `rerank_requests_total{dialect,model,status}`: HTTP attempts by their response's status
///   ("200", "429", ...; "none" when no response came: connection failure, timeout, cancel);
/// - `rerank_request_duration_seconds`: histogram of attempts' latency (from the attempt's
///   start, including the wait for a connection, to its end);
/// - `rerank_call_duration_seconds`: histogram of whole calls (every call, failed ones too);
/// - `rerank_retries_total{reason}`: requests sent again, by `stale_connection`, `transient`,
///   `throttled`;
/// - `rerank_documents_total`: documents of completed calls (failed ones too);
/// - `rerank_tokens_total`: tokens the server counted (`usage.total_tokens`) for successful
///   calls;
/// - `rerank_throttled_total`: throttling answers (HTTP 429 not about billing);
/// - `rerank_cache_lookups_total{result}`: documents looked up in the score cache, `hit` or
///   `miss`;
/// - `rerank_pool_connections{state}`: connections `idle` and `in_use` (connecting included),
///   gauges set from `client::stats()` at scrape time by `update_pool` (events do not say
///   when an idle connection expires or the server closes one).
///
/// Thread-safe (prometheus-cpp's metrics are atomic): one observer may serve several clients
/// on any threads. Give it to a client as `client_options::observer`.
class metrics_observer final : public rerank::observer {
public:
    /// Registers the metrics in `registry` (a new one when null), which it keeps alive.
    explicit metrics_observer(std::shared_ptr<::prometheus::Registry> registry = nullptr);

    /// The registry: add your own metrics, or serve it with prometheus-cpp's Exposer.
    const std::shared_ptr<::prometheus::Registry>& registry() const noexcept { return registry_; }

    /// Sets the `rerank_pool_connections` gauges from a client's `stats()`.
    void update_pool(const pool_stats& stats);

    /// The registry in the Prometheus text format (version 0.0.4), by prometheus-cpp's
    /// serializer: the body of a `GET /metrics` (Content-Type
    /// `text/plain; version=0.0.4; charset=utf-8`).
    std::string text() const;

    void on_call_end(const call_end_event& e) override;
    void on_attempt_end(const attempt_end_event& e) override;
    void on_retry(const retry_event& e) override;
    void on_cache_lookup(const cache_lookup_event& e) override;

private:
    std::shared_ptr<::prometheus::Registry> registry_;
    ::prometheus::Family<::prometheus::Counter>& requests_;
    ::prometheus::Histogram& request_duration_;
    ::prometheus::Histogram& call_duration_;
    ::prometheus::Family<::prometheus::Counter>& retries_;
    ::prometheus::Counter& documents_;
    ::prometheus::Counter& tokens_;
    ::prometheus::Counter& throttled_;
    ::prometheus::Counter* cache_hits_;
    ::prometheus::Counter* cache_misses_;
    ::prometheus::Gauge* idle_connections_;
    ::prometheus::Gauge* connections_in_use_;
};

} // namespace rerank::prometheus
