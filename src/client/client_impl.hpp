// The shared state behind a rerank::client: options, TLS context, pool, budget, calls in flight.
#pragma once

#include "batch/stated_limits.hpp"
#include "cache/score_cache_state.hpp"
#include "client/pacer.hpp"
#include "client/retry.hpp"
#include "codec/decode.hpp"
#include "http/connection_pool.hpp"
#include "http/endpoint.hpp"
#include "http/pool_counters.hpp"
#include "http/proxy.hpp"
#include "http/request_buffer.hpp"

#include <rerank/batch_plan.hpp>
#include <rerank/client_options.hpp>
#include <rerank/diagnostics.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <memory>
#include <optional>
#include <random>
#include <vector>

namespace rerank::detail {

class rerank_call;

/// Owned by the client and by every call in flight (shared_ptr), so a call never outlives it.
/// Apart from the constructor and `counters`, everything here runs on `strand`.
class client_impl : public std::enable_shared_from_this<client_impl> {
public:
    client_impl(boost::asio::any_io_executor ex, client_options opts);
    ~client_impl();

    boost::asio::any_io_executor executor; ///< the executor the client was given
    /// A strand over `executor` (a concrete strand type inside when `executor` is an
    /// io_context's, so copying it never allocates).
    boost::asio::any_io_executor strand;
    const client_options options;
    /// Set when the options are unusable; every call then fails with it.
    error_code config_error;
    diagnostics config_diag;
    endpoint target;
    /// What requests name: the endpoint's path ("/compatible-api/v1/reranks"), or its absolute
    /// URL for plain http through a proxy ("http://host:port/...").
    std::string request_target;
    /// The proxy connections go through, if any (read from the environment by default).
    std::optional<proxy_route> proxy;
    /// `Proxy-Authorization` of each request: plain http through a proxy with credentials
    /// (through a CONNECT tunnel, only CONNECT carries them). Empty otherwise.
    std::string proxy_authorization;
    std::unique_ptr<boost::asio::ssl::context> tls;
    pool_counters counters;
    std::shared_ptr<connection_pool> pool;
    retry_budget budget;
    /// Admits every HTTP request (rate limits, adaptive rate, in-flight limit).
    std::unique_ptr<pacer> admission;
    /// `options.observer`, or null: tested once per step (see rerank::observer).
    rerank::observer* const watcher;
    /// Numbers the observed calls and attempts (see call_context::call_id, attempt_id).
    std::uint64_t observed_calls = 0;
    std::uint64_t observed_attempts = 0;
    /// `target.port` as a number, for the observer's events.
    std::uint16_t server_port = 0;
    /// `options.cache`'s state, or null when there is none. Calls to a model whose scores do
    /// not merge across requests (listwise, without `split_listwise`) leave it alone.
    score_cache_state* const scores;
    /// One decoder serves every call: decoding is synchronous on the strand.
    response_decoder decoder;

    /// Exact Qwen3 counts and the cheap upper bound, for batch planning (exact counts only when
    /// a tokens-per-minute limit is set: the pacer then charges what the server counts).
    token_counter counter;
    /// UTF-8 bytes, the proven bound for models whose tokenizer we do not have.
    token_counter byte_counter;
    /// The counter for a call to `model` (`uses_qwen3_tokenizer`).
    const token_counter& counter_for(std::string_view model) const;
    /// Limits the server stated in refusals, per model (see rerank_call::split_refused).
    batching::learned_limits_table learned_limits;
    /// `options.limits`, or the documented limits of `model` in the client's dialect.
    rerank::limits configured_limits(std::string_view model) const;
    /// The limits for a call to `model`: `configured_limits(model)`, lowered to
    /// what the server stated in refusals; the second member says whether a learned limit
    /// lowered them.
    std::pair<rerank::limits, bool> limits_for(std::string_view model) const;
    /// A thread for planning very large calls, so exact token counting of megabytes of text
    /// does not hold up the strand (created on first use).
    boost::asio::thread_pool& planner();

    /// Uniform in [0, 1): backoff jitter.
    double unit_random() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }

    /// Request buffers recycled between calls, so steady traffic allocates none.
    std::unique_ptr<request_buffer> take_request_buffer();
    void recycle(std::unique_ptr<request_buffer> buffer);

    /// Calls in flight, for cancel() and shutdown.
    void add_call(rerank_call* call) { calls_.push_back(call); }
    void remove_call(rerank_call* call);
    /// Stops every call in flight (they complete with `cancelled`) and closes idle connections.
    void cancel_all();

private:
    std::minstd_rand rng_;
    std::unique_ptr<boost::asio::thread_pool> planner_;
    std::vector<std::unique_ptr<request_buffer>> spare_buffers_;
    std::vector<rerank_call*> calls_;
};

} // namespace rerank::detail
