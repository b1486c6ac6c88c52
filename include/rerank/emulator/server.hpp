// A local DashScope rerank server for tests, benchmarks, demos and offline development.
#pragma once

#include <rerank/dialect.hpp>
#include <rerank/emulator/fault.hpp>
#include <rerank/emulator/options.hpp>
#include <rerank/emulator/request_info.hpp>
#include <rerank/emulator/server_stats.hpp>

#include <memory>
#include <string>

namespace rerank::emulator {

/// An HTTP/1.1 (or HTTPS) server that speaks a rerank API at its real path, with its real
/// limits and error bodies, deterministic BM25 scores, and scriptable faults: by default both
/// DashScope dialects (`POST /compatible-api/v1/reranks`,
/// `POST /api/v1/services/rerank/text-rerank/text-rerank`), else the one of
/// `options::dialect` (start from `options_for(dialect)` for its server's limits).
///
/// What each dialect answers (`options::dialect`):
/// - cohere (`POST /v2/rerank`): `{"id","results":[{"index","relevance_score"}],"meta":{
///   "billed_units":{"search_units"}}}`; errors `{"message"}` (401 "invalid api token", 400
///   "invalid request: list of documents must not be empty", 404 for an unknown model);
/// - jina, as vLLM (`POST /v1/rerank`): `{"id","model","usage":{"total_tokens"},"results":[
///   {"index","document":{"text"},"relevance_score"}]}`; errors `{"error":{"message","type",
///   "param","code"}}` (400 "This model's maximum context length is ..."), FastAPI's
///   `{"detail":"Not Found"}`, 401 `{"error":"Unauthorized"}`;
/// - voyage (`POST /v1/rerank`): `{"object":"list","data":[{"index","relevance_score"}],"model",
///   "usage":{"total_tokens"}}`; `top_k`, never `top_n` (refused, as any unknown field); errors
///   `{"detail"}`;
/// - tei (`POST /rerank`): a bare array `[{"index","score"}]` of every text; errors
///   `{"error","error_type"}` (413 "batch size N > maximum allowed batch size M", 429
///   "Model is overloaded"), 401 and 404 without a body, 422 text/plain for a wrong field;
/// - nim (`POST /v1/ranking`): `{"rankings":[{"index","logit"}],"usage"}` of every passage,
///   scores as logits; errors `{"error"}` (400 "Input length N exceeds maximum allowed token
///   size M"), 422 FastAPI `{"detail":[...]}` for a wrong field.
///
/// The server owns its io_context and threads. Thread safety: every member function may be
/// called from any thread, except that `start`/`stop` must not run concurrently with each
/// other and `stop` must not be called from a fault hook.
class server {
public:
    /// Validates nothing yet; `start()` does.
    explicit server(emulator::options opts);
    /// Stops the server (see `stop`).
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// Loads the TLS certificate (if any), binds and listens, and starts the threads; returns
    /// once connections are accepted. Throws `boost::system::system_error` when the address cannot
    /// be bound or the certificate/key cannot be loaded, `std::logic_error` when already started,
    /// `std::invalid_argument` for a certificate without a key (or the reverse) or a negative or
    /// infinite quota.
    void start();

    /// Closes the listener and every connection (a stalled one included) and joins the
    /// threads. Idempotent; the server cannot be started again.
    void stop();

    /// The port listened on (the OS's choice when `options::port` was 0). 0 before `start()`.
    unsigned short port() const noexcept;

    /// What the `base_url` of a client of dialect `d` should be: "http(s)://HOST:PORT" and
    /// "/compatible-api/v1" (`dashscope`), "/api/v1" (`dashscope_native`), "/v2" (`cohere`),
    /// "/v1" (`jina`, `voyage`, `nim`) or nothing (`tei`). The server answers only the
    /// endpoints of its own `options::dialect`.
    std::string base_url(rerank::dialect d) const;
    /// `base_url` of the server's own dialect (`dashscope` for DashScope's pair).
    std::string base_url() const;

    /// Consulted for every request the queue has no fault for. Replaces any previous hook;
    /// an empty function removes it.
    void set_fault_hook(fault_hook hook);
    /// Queues `f` for the next request that arrives (faults apply in push order, one each,
    /// before the hook is consulted).
    void push_fault(fault f);
    /// Empties the queue and removes the hook.
    void clear_faults();
    /// Faults queued and not yet applied.
    std::size_t pending_faults() const;

    /// A consistent snapshot of the counters.
    server_stats stats() const;
    /// Zeroes the counters and forgets the last request (`connections_open` stays true and
    /// `max_connections_open` restarts from it; request sequence numbers keep counting).
    void reset_stats();

    /// The options the server was started with.
    const emulator::options& options() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace rerank::emulator
