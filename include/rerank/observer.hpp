// Observation hooks: what a client tells an observer at each step of a call (for metrics and
// traces).
#pragma once

#include <rerank/dialect.hpp>
#include <rerank/error.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

namespace rerank {

/// The value of one attribute: text, an integer or a number.
using attribute_value = std::variant<std::string_view, std::int64_t, double>;

/// How an HTTP attempt ended, as the client's retry decision classified it.
enum class attempt_outcome : std::uint8_t {
    succeeded,
    /// The call was cancelled or its deadline passed during the attempt.
    stopped,
    /// A reused keep-alive connection failed before a single response byte: the server closed
    /// it while idle and never saw the request.
    stale_connection,
    /// Connection failures, resets, truncated answers, HTTP 408, 500, 502, 503, 504: another
    /// try may pass.
    transient,
    /// HTTP 429 that is not about billing: the server's rate limit.
    throttled,
    /// HTTP 413, or a 400 whose message says the input is too long or the batch too large (the
    /// server counted more tokens than the client did, or a proxy limits bodies): the same
    /// request fails again, a smaller one may pass.
    too_large,
    /// Anything else (other 4xx, billing, TLS failures, malformed answers, timeouts: an attempt
    /// that timed out may have reached the server, and the call's deadline bounds it anyway).
    permanent,
};

/// "succeeded", "stopped", "stale_connection", "transient", "throttled", "too_large",
/// "permanent".
std::string_view to_string(attempt_outcome o) noexcept;

/// Which connection an attempt used.
enum class connection_kind : std::uint8_t {
    /// None: the attempt failed before it had one (connect or TLS failure, call stopped).
    none,
    /// Opened for this attempt with a full TLS handshake (or plain TCP).
    fresh,
    /// Opened for this attempt, resuming an earlier TLS session.
    resumed,
    /// An idle keep-alive connection of the pool.
    reused,
};

/// "none", "new", "resumed", "reused".
std::string_view to_string(connection_kind k) noexcept;

/// What every event of one call shares. The views point into the client's options and live
/// as long as the client.
struct call_context {
    /// Numbers the calls of one client from 1 (each client counts on its own).
    std::uint64_t call_id = 0;
    /// The client's wire dialect (`client_options::dialect`).
    rerank::dialect dialect = dialect::dashscope;
    /// The model of the call (`request::model` or `client_options::model`).
    std::string_view model;
    /// The host of `client_options::base_url`, and its port.
    std::string_view server_address;
    /// The port of `client_options::base_url` (443 when it names none); 0 when the URL is
    /// unusable.
    std::uint16_t server_port = 0;

    /// gen_ai.system ("dashscope"), gen_ai.operation.name ("rerank"), gen_ai.request.model,
    /// server.address, server.port, rerank.dialect, rerank.call.id.
    template <class F>
    void for_each_attribute(F&& f) const {
        f("gen_ai.system", attribute_value(std::string_view("dashscope")));
        f("gen_ai.operation.name", attribute_value(std::string_view("rerank")));
        f("gen_ai.request.model", attribute_value(model));
        f("server.address", attribute_value(server_address));
        f("server.port", attribute_value(std::int64_t(server_port)));
        f("rerank.dialect", attribute_value(to_string(dialect)));
        f("rerank.call.id", attribute_value(std::int64_t(call_id)));
    }
};

/// A call began (before validation and planning).
struct call_start_event {
    /// The call.
    call_context call;
    /// `request::documents.size()`.
    std::size_t documents = 0;

    /// The call's attributes and rerank.documents.
    template <class F>
    void for_each_attribute(F&& f) const {
        call.for_each_attribute(f);
        f("rerank.documents", attribute_value(std::int64_t(documents)));
    }
};

/// A call completed (just before its handler is invoked).
struct call_end_event {
    /// The call.
    call_context call;
    /// `request::documents.size()`.
    std::size_t documents = 0;
    /// HTTP requests the call's documents were sent in (`response::requests`); 0 on failure.
    std::size_t sub_requests = 0;
    /// Tokens the server counted (`response::usage.total_tokens`); 0 on failure.
    std::uint64_t input_tokens = 0;
    /// Empty on success; otherwise the call's error (an `errc`).
    error_code error;
    /// From the call's start to its completion.
    std::chrono::microseconds duration{0};

    /// The call's attributes, rerank.documents, rerank.sub_requests,
    /// gen_ai.usage.input_tokens (on success), error.type (`to_string(errc)`, on failure).
    template <class F>
    void for_each_attribute(F&& f) const {
        call.for_each_attribute(f);
        f("rerank.documents", attribute_value(std::int64_t(documents)));
        f("rerank.sub_requests", attribute_value(std::int64_t(sub_requests)));
        if (!error)
            f("gen_ai.usage.input_tokens", attribute_value(std::int64_t(input_tokens)));
        else
            f("error.type",
              attribute_value(std::string_view(to_string(static_cast<errc>(error.value())))));
    }
};

/// What the start and end of one HTTP attempt share.
struct attempt_context {
    /// The call the attempt belongs to.
    call_context call;
    /// Numbers the attempts of one client from 1: pairs an attempt's start with its end
    /// (the sub-requests of a split call run at the same time).
    std::uint64_t attempt_id = 0;
    /// The attempt's number within its HTTP request: 1 for the first send, 2 for the first
    /// retry... (a throttled request sent again counts too).
    unsigned attempt = 1;
    /// Documents in the HTTP request.
    std::size_t documents = 0;
    /// Size of the HTTP request (head and body), in bytes.
    std::size_t bytes_out = 0;

    /// The call's attributes, rerank.attempt.id, http.request.resend_count (attempt - 1),
    /// rerank.documents, http.request.size.
    template <class F>
    void for_each_attribute(F&& f) const {
        call.for_each_attribute(f);
        f("rerank.attempt.id", attribute_value(std::int64_t(attempt_id)));
        f("http.request.resend_count", attribute_value(std::int64_t(attempt) - 1));
        f("rerank.documents", attribute_value(std::int64_t(documents)));
        f("http.request.size", attribute_value(std::int64_t(bytes_out)));
    }
};

/// An HTTP attempt began (it then waits for a connection, opens one or reuses one).
struct attempt_start_event {
    /// The attempt.
    attempt_context attempt;

    /// The attempt's attributes (see `attempt_context::for_each_attribute`).
    template <class F>
    void for_each_attribute(F&& f) const {
        attempt.for_each_attribute(f);
    }
};

/// An HTTP attempt ended. The views point into the attempt's diagnostics and live only
/// during the callback: copy what you keep.
struct attempt_end_event {
    /// The attempt (as its start told it).
    attempt_context attempt;
    /// How it ended, as the retry decision classified it.
    attempt_outcome outcome = attempt_outcome::succeeded;
    /// Empty when it succeeded; otherwise its error (an `errc`).
    error_code error;
    /// The response's status; 0 when none arrived.
    unsigned http_status = 0;
    /// The server's error code (`diagnostics::provider_code`); empty when none.
    std::string_view provider_code;
    /// The server's request id (body or `x-request-id`-like header); empty when none.
    std::string_view request_id;
    /// Size of the response body, in bytes (0 when none arrived).
    std::size_t bytes_in = 0;
    /// The connection it used: new, resumed or reused; none when it had none.
    connection_kind connection = connection_kind::none;
    /// From the attempt's start (including the wait for a connection) to its end.
    std::chrono::microseconds latency{0};

    /// The attempt's attributes, http.response.status_code (when a response came),
    /// gen_ai.response.id (the request id, when any), rerank.provider_code (when any),
    /// http.response.body.size, rerank.connection, rerank.attempt.outcome, error.type (on
    /// failure).
    template <class F>
    void for_each_attribute(F&& f) const {
        attempt.for_each_attribute(f);
        if (http_status != 0)
            f("http.response.status_code", attribute_value(std::int64_t(http_status)));
        if (!request_id.empty())
            f("gen_ai.response.id", attribute_value(request_id));
        if (!provider_code.empty())
            f("rerank.provider_code", attribute_value(provider_code));
        f("http.response.body.size", attribute_value(std::int64_t(bytes_in)));
        f("rerank.connection", attribute_value(to_string(connection)));
        f("rerank.attempt.outcome", attribute_value(to_string(outcome)));
        if (error)
            f("error.type",
              attribute_value(std::string_view(to_string(static_cast<errc>(error.value())))));
    }
};

/// An HTTP request will be sent again after `delay` (0: at once).
struct retry_event {
    /// The call.
    call_context call;
    /// The attempt that failed (its `attempt_id`).
    std::uint64_t attempt_id = 0;
    /// Why: `stale_connection`, `transient` or `throttled`.
    attempt_outcome reason = attempt_outcome::transient;
    /// The wait before the next admission (backoff or `Retry-After`). A paced throttled
    /// request waits 0 here and its slot in the pacer (a `throttle_wait_event`).
    std::chrono::milliseconds delay{0};

    /// The call's attributes, rerank.attempt.id, rerank.retry.reason, rerank.retry.delay_ms.
    template <class F>
    void for_each_attribute(F&& f) const {
        call.for_each_attribute(f);
        f("rerank.attempt.id", attribute_value(std::int64_t(attempt_id)));
        f("rerank.retry.reason", attribute_value(to_string(reason)));
        f("rerank.retry.delay_ms", attribute_value(std::int64_t(delay.count())));
    }
};

/// The pacer made an HTTP request wait (1 ms or more) for an in-flight place or its slot under
/// the rate limit (`client_options::rate_limit`, or the rate the server's 429s showed).
struct throttle_wait_event {
    /// The call.
    call_context call;
    /// How long the request waited before it was sent.
    std::chrono::microseconds waited{0};

    /// The call's attributes and rerank.throttle.wait_ms (a number).
    template <class F>
    void for_each_attribute(F&& f) const {
        call.for_each_attribute(f);
        f("rerank.throttle.wait_ms", attribute_value(double(waited.count()) / 1000.0));
    }
};

/// A lookup of a call's documents in the score cache (`client_options::cache`), once per call,
/// before anything is sent. A call whose every document hit sends no request.
struct cache_lookup_event {
    /// The call.
    call_context call;
    /// Documents whose scores were found in the cache.
    std::size_t hits = 0;
    /// Documents not found or expired (sent to the server).
    std::size_t misses = 0;

    /// The call's attributes, rerank.cache.hits, rerank.cache.misses.
    template <class F>
    void for_each_attribute(F&& f) const {
        call.for_each_attribute(f);
        f("rerank.cache.hits", attribute_value(std::int64_t(hits)));
        f("rerank.cache.misses", attribute_value(std::int64_t(misses)));
    }
};

/// Receives the events of every call of the clients it is given to
/// (`client_options::observer`). Each function runs on the client's strand, in the order the
/// steps happen, and must neither block (a slow observer slows every call of the client) nor
/// throw (the client does not expect it to: a call could be left without completion). It may
/// not call back into the client synchronously (post instead). An observer shared by clients that
/// run on different threads must be thread-safe. The defaults do nothing.
///
/// Lifetime: the client holds it by `std::shared_ptr`, as long as the client's shared state
/// lives (until the client is destroyed and its last call has completed); the observer may
/// therefore be dropped by its owner at any time.
///
/// Order for one call: `on_call_start`; `on_cache_lookup` (with a score cache); for each HTTP
/// request (several at once for a split
/// call), `on_throttle_wait` (when the pacer made it wait), `on_attempt_start`,
/// `on_attempt_end`, then `on_retry` when it is sent again (then the same again); last
/// `on_call_end`. A call refused before any request (bad input) has only start and end.
///
/// Events to spans, for example with OpenTelemetry C++ (each event lists its attributes as
/// OpenTelemetry GenAI and HTTP semantic conventions name them):
/// @code
/// struct tracing : rerank::observer {
///     nostd::shared_ptr<trace::Tracer> tracer;
///     std::unordered_map<std::uint64_t, nostd::shared_ptr<trace::Span>> spans; // by attempt_id
///     template <class E> static void tag(trace::Span& s, const E& e) {
///         e.for_each_attribute([&](std::string_view k, const rerank::attribute_value& v) {
///             std::visit([&](auto x) { s.SetAttribute(k, x); }, v); });
///     }
///     void on_attempt_start(const rerank::attempt_start_event& e) override {
///         tag(*(spans[e.attempt.attempt_id] = tracer->StartSpan("rerank")), e); }
///     void on_attempt_end(const rerank::attempt_end_event& e) override {
///         auto s = spans[e.attempt.attempt_id]; spans.erase(e.attempt.attempt_id);
///         tag(*s, e); s->End(); }
/// };
/// @endcode
/// (test/integration/client_observer_test.cpp builds spans the same way.)
class observer {
public:
    virtual ~observer() = default;

    /// A call began, before validation and planning.
    virtual void on_call_start(const call_start_event&) {}
    /// A call completed, just before its completion handler is invoked.
    virtual void on_call_end(const call_end_event&) {}
    /// An HTTP attempt began (it then waits for, opens or reuses a connection).
    virtual void on_attempt_start(const attempt_start_event&) {}
    /// An HTTP attempt ended (the event's views live during the callback only).
    virtual void on_attempt_end(const attempt_end_event&) {}
    /// A request will be sent again.
    virtual void on_retry(const retry_event&) {}
    /// The pacer made a request wait 1 ms or more before it was sent.
    virtual void on_throttle_wait(const throttle_wait_event&) {}
    /// The score cache was consulted (only by clients with a cache).
    virtual void on_cache_lookup(const cache_lookup_event&) {}
};

} // namespace rerank
