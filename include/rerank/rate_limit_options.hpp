// How a client paces itself to an account's quota, alone or shared with other processes.
#pragma once

#include <chrono>
#include <string>

namespace rerank {

/// What a client does while its shared quota store (Redis) does not answer.
enum class quota_store_failure {
    /// Each process paces alone at `redis_quota_options::local_share` of the limits, and goes
    /// back to the shared state as soon as the store answers again. The diagnostics of calls
    /// admitted meanwhile say so.
    local,
    /// Calls fail with `errc::quota_store_unavailable`.
    fail,
};

/// A quota shared by every process that names the same Redis server and quota key.
struct redis_quota_options {
    /// `redis://[:password@]host:port[/db]`. Default empty: no shared store; the client paces
    /// in-process only (clients of one process with the same quota key share it).
    std::string url;
    /// Limit of each Redis command, after which the store counts as not answering.
    /// Default 250 ms.
    std::chrono::milliseconds command_timeout = std::chrono::milliseconds(250);
    /// Upper bound of the backoff between reconnection attempts (which starts at 50 ms and
    /// doubles). Default 2 s.
    std::chrono::milliseconds max_reconnect_backoff = std::chrono::seconds(2);
    /// Default `quota_store_failure::local`.
    quota_store_failure on_store_failure = quota_store_failure::local;
    /// Fraction of the limits one process uses while pacing alone (with `local`). Default 1.0:
    /// a process alone keeps its speed, and N processes may together exceed the quota up to N
    /// times until the store answers (the server's 429s then slow them, see `adaptive`); set
    /// 1/N to stay under it.
    double local_share = 1.0;
};

/// Pacing of the HTTP requests of one client (each sub-request of a split call and each retry
/// is admitted before it is sent, costing 1 request and its counted tokens).
///
/// Algorithm: GCRA (the generic cell rate algorithm), one "theoretical arrival time" (TAT) per
/// limit. A request of cost c at rate r moves its limit's TAT by c / r; it may go at the
/// earliest time t >= now with TAT - t <= burst - c / r (a request larger than the burst goes
/// when the limit is idle). Admission books the request's slot at once (the later of the two
/// limits' earliest times), so waiting requests are served in the order they asked (FIFO) and
/// never poll; the wait counts against the call's deadline and ends on cancellation.
struct rate_limit_options {
    /// Requests per minute. Default 0: no configured limit.
    double requests_per_minute = 0;
    /// Tokens per minute, counted as the planner counts a request (`query_tokens × documents +
    /// Σ document_tokens`). When set, the planner counts every text exactly (the Qwen3
    /// tokenizer) rather than by its fast upper bounds, which would overcharge the quota (ASCII
    /// text about 4 times). Default 0: no configured limit.
    double tokens_per_minute = 0;
    /// How much of each limit may be used at once, as time at the limit's rate (a burst of
    /// `rate × burst` requests or tokens). Default 1 s: DashScope enforces its per-minute
    /// limits per second. The pacer uses 95 % of it: the server counts arrivals and the pacer
    /// departures, and the first requests of a burst (on new connections) arrive later than
    /// those after them; with the server's own rate and burst configured, that margin keeps
    /// the requests that follow from arriving early.
    std::chrono::milliseconds burst = std::chrono::seconds(1);
    /// Adapt to the rate the server shows: a throttling 429 cuts the admission rate and the
    /// requests in flight multiplicatively; successes raise them additively back toward the
    /// configured limits (or without bound when none is configured); never below one request
    /// in flight. Default true.
    bool adaptive = true;
    /// Name of the quota in the store. Default empty: a hash of (API key, host, model), never
    /// the key itself. Processes with the same name share one quota.
    std::string quota_key;
    /// The shared store. Default: none (in-process pacing).
    redis_quota_options redis;
};

} // namespace rerank
