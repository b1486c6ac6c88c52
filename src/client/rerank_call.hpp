// One rerank call in flight: validation, encoding, attempts with retries, completion.
#pragma once

#include "batch/stated_limits.hpp"
#include "cache/call_lookup.hpp"
#include "client/client_impl.hpp"
#include "client/retry_decision.hpp"
#include "codec/decode.hpp"
#include "codec/encode.hpp"
#include "http/call_control.hpp"
#include "http/time_limit.hpp"

#include <rerank/batch_plan.hpp>

#include <rerank/diagnostics.hpp>
#include <rerank/observer.hpp>
#include <rerank/request.hpp>
#include <rerank/response.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>

namespace rerank::detail {

/// Runs on the client's strand from start to completion. Owns what the call needs; holds the
/// client_impl alive. The completion handler runs on its own associated executor.
class rerank_call : public std::enable_shared_from_this<rerank_call> {
public:
    using handler_type = boost::asio::any_completion_handler<void(error_code, response)>;

    rerank_call(std::shared_ptr<client_impl> client, const request& req, diagnostics* diag_out,
                handler_type handler);

    /// Starts the call (never completes inside this function).
    static void start(std::shared_ptr<rerank_call> call);

    /// Stops the call: it completes soon with `cancelled` or `timeout`. On the strand.
    void stop(call_control::stop_reason why);

private:
    struct batch_state;
    /// A sub-request to send: its documents and its tokens as the plan counted them.
    struct planned_batch {
        batch range;
        std::uint64_t tokens = 0;
    };

    boost::asio::awaitable<void> run();
    /// Plans the call (`ec` set: it already failed) and sends its requests; `sent` says whether
    /// any request was begun.
    boost::asio::awaitable<error_code> plan_and_send(error_code ec, response& res, bool& sent);
    /// Plans the HTTP requests of the call under `limits` (on the planner thread when the text
    /// is large).
    boost::asio::awaitable<error_code> plan(const rerank::limits& limits, batch_plan& out,
                                            diagnostics& diag);
    // A listwise model's call that the plan splits is refused unless the user opted in
    // (client_options::split_listwise): its scores could not be merged.
    error_code check_listwise_split(const batch_plan& plan);
    /// With a score cache: looks up every document (cached_call.cpp). True when every one was
    /// found: `out` is then the whole answer and nothing is sent. Otherwise what is sent
    /// becomes the misses (`sent_`), without `top_n`.
    bool look_up_scores(response& out);
    /// With a score cache, after the misses were answered: caches their scores and ranks them
    /// with the cached ones into the caller's answer.
    void merge_cached_scores(response& out);
    /// The content of the HTTP request for documents `range` (client-truncated texts are
    /// copied into `truncated`; otherwise the caller's strings are viewed in place).
    wire_request make_wire(const batch_plan& plan, batch range,
                           std::vector<std::string>& truncated) const;
    /// How one HTTP request with its retries ended: its error and the class of its last
    /// attempt (the batcher splits a batch the server found too large).
    struct request_outcome {
        error_code ec;
        attempt_class last = attempt_class::succeeded;
    };
    boost::asio::awaitable<request_outcome> run_single(const batch_plan& plan, response& out);
    /// Runs the sub-requests of a split call concurrently and merges them. `refused`: the
    /// plan's single request was refused as too large with this error (`diag_` says how); it
    /// is split first, and the call fails with that error when it cannot be.
    boost::asio::awaitable<error_code> run_batched(const batch_plan& plan, response& out,
                                                   std::optional<error_code> refused = {});
    /// Starts workers while there are batches queued, up to the parallelism allowed.
    void start_workers(batch_state& state);
    boost::asio::awaitable<void> batch_worker(batch_state& state);
    /// A request the server refused as too large: queues its parts (cut along a plan under
    /// the limit the refusal stated, else in halves) and returns true; false when it cannot be
    /// split (one document, no splits left, a model whose scores do not merge, or a document
    /// that alone is over the stated limit: `diag.client_message` then says so).
    boost::asio::awaitable<bool> split_refused(batch_state& state, planned_batch refused,
                                               diagnostics& diag);
    /// Whether `range` lies inside one batch of `plan`.
    static bool within_one_batch(const batch_plan& plan, batch range);
    /// Queues `range` cut along the batches of `state.plan`.
    void cut_along_plan(batch_state& state, batch range);
    /// What the refusal in `diag` stated about the server's limits, recorded for the model (for
    /// later calls too) and noted for the diagnostics.
    batching::stated_limits learn_from_refusal(const diagnostics& diag);
    /// Counts a refused request sent again as `pieces` requests.
    void note_split(batch range, std::size_t pieces);
    /// Whether the call's documents may be ranked in separate requests and merged by score
    /// (split, or ranked with cached scores): the model scores pointwise, or the user opted in
    /// (`client_options::split_listwise`).
    bool scores_merge_across_requests() const noexcept;
    /// diagnostics::limits_note: what the call learned or used about the server's limits.
    std::string limits_note() const;
    /// One HTTP request with its retries: attempts, and between them what decide_next_step
    /// says (send again, wait then send, fail).
    /// `tokens`: the request's tokens as the plan counted them (what the pacer charges).
    boost::asio::awaitable<request_outcome>
    exchange_with_retries(call_control& control, const wire_request& wire, std::uint64_t tokens,
                          decoded_response& decoded, diagnostics& diag);
    /// One attempt: acquire a connection, exchange, decode; the facts for the decision.
    /// `seen` (null when nobody observes): where the attempt notes its connection and the
    /// size of the answer.
    boost::asio::awaitable<attempt_facts>
    attempt_once(call_control& control, const request_buffer& buffer, const wire_request& wire,
                 decoded_response& decoded, diagnostics& diag, attempt_end_event* seen);
    /// The model the call names (`request::model` or the client's).
    std::string_view model() const noexcept;
    /// Starts an attempt's diagnostics afresh (keeping the history) and counts the attempt.
    void begin_attempt(diagnostics& diag);
    /// Adds a failed attempt to `diag.attempt_history`.
    static void note_failed_attempt(error_code ec, diagnostics& diag);
    /// Waits `delay` unless the call stops first; false when it stopped.
    boost::asio::awaitable<bool> sleep(call_control& control, millis delay);
    /// The deadline limit's interrupter.
    static void stop_at_deadline(void* call);
    error_code stop_error(const call_control& control, diagnostics& diag) const;
    void install_cancellation_slot();
    void complete(error_code ec, response res);

    std::shared_ptr<client_impl> client_;
    const request& request_;
    /// What is sent: `request_`, or with a score cache and some hits, the misses
    /// (`misses_request_`).
    const request* sent_;
    /// The `top_n` sent: the caller's, or none with a score cache (its ranking is cut here).
    std::optional<std::size_t> sent_top_n_;
    /// Whether the call reads and fills the score cache (a cache is set, and the model's scores
    /// merge across requests).
    bool uses_cache_ = false;
    /// HTTP exchanges begun for the call, over all its requests (diagnostics::attempts).
    unsigned call_attempts_ = 0;
    std::optional<request> misses_request_;
    /// One call's cache lookups (used only when the client has a cache).
    cache::call_lookup lookup_;
    diagnostics diag_;
    diagnostics* diag_out_;
    handler_type handler_;
    boost::asio::executor_work_guard<boost::asio::any_completion_executor> work_;
    call_control control_;
    /// Controls of sub-requests in flight: stop() reaches them all.
    std::vector<call_control*> sub_controls_;
    std::chrono::steady_clock::time_point deadline_;
    std::chrono::milliseconds timeout_;
    /// Stops the call at its deadline (disarmed when it completes; destroying it disarms it).
    time_limit deadline_limit_;
    bool completed_ = false;
    /// What the pacer did for the call's requests (see diagnostics::throttled and after).
    unsigned throttled_ = 0;
    std::chrono::microseconds admission_wait_{0};
    std::string quota_note_;
    /// The limits the call was planned under.
    rerank::limits planned_limits_;
    /// For diagnostics::limits_note: learned limits the plan used, what refusals stated, and
    /// how many refused requests were split into how many.
    bool planned_with_learned_ = false;
    batching::stated_limits stated_;
    std::size_t refusals_split_ = 0;
    std::size_t split_pieces_ = 0;
    batch first_refused_;
    /// What the observer's events of this call share, and when the call began (set only when
    /// the client has an observer).
    call_context observed_;
    std::chrono::steady_clock::time_point started_;
};

} // namespace rerank::detail
