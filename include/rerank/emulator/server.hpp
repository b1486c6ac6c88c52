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

/// An HTTP/1.1 (or HTTPS) server that speaks both DashScope rerank dialects at their real paths
/// (`POST /compatible-api/v1/reranks`, `POST /api/v1/services/rerank/text-rerank/text-rerank`),
/// with the real limits and error bodies, deterministic BM25 scores, and scriptable faults.
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

    /// "http(s)://HOST:PORT/compatible-api/v1" for `dialect::dashscope`,
    /// "http(s)://HOST:PORT/api/v1" for `dialect::dashscope_native`: what a client's
    /// `base_url` should be.
    std::string base_url(rerank::dialect d = rerank::dialect::dashscope) const;

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
