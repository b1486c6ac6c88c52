#include "client/rerank_call.hpp"

#include "codec/dialect_wire.hpp"
#include "codec/error_body.hpp"
#include "codec/result_order.hpp"
#include "codec/validate.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <utility>

namespace rerank::detail {

namespace net = boost::asio;
using net::as_tuple;
using net::use_awaitable;
using clock = std::chrono::steady_clock;

namespace {

std::chrono::microseconds micros_since(clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - start);
}

} // namespace

rerank_call::rerank_call(std::shared_ptr<client_impl> client, const request& req,
                         diagnostics* diag_out, handler_type handler)
    : client_(std::move(client))
    , request_(req)
    , sent_(&req)
    , sent_top_n_(req.top_n)
    , diag_out_(diag_out)
    , handler_(std::move(handler))
    , work_(net::make_work_guard(net::get_associated_executor(handler_, client_->executor)))
    , timeout_(req.timeout.value_or(client_->options.timeout))
    , deadline_limit_(client_->strand) {}

void rerank_call::start(std::shared_ptr<rerank_call> call) {
    call->install_cancellation_slot();
    auto strand = call->client_->strand;
    net::co_spawn(strand, call->run(), [call](std::exception_ptr failure) {
        // run() completes the call itself; an exception (allocation failure) must too.
        if (failure && !call->completed_) {
            call->diag_.client_message = "internal failure";
            call->complete(errc::connection_failed, {});
        }
    });
}

void rerank_call::install_cancellation_slot() {
    auto slot = net::get_associated_cancellation_slot(handler_);
    if (!slot.is_connected())
        return;
    // Cancellation may be emitted from any thread: hop onto the strand before touching the call.
    // Every type (terminal, partial, total) stops the call; the connection is closed either way.
    struct forwarder {
        std::weak_ptr<rerank_call> call;
        net::any_io_executor strand;
        void operator()(net::cancellation_type type) const {
            if (type == net::cancellation_type::none)
                return;
            net::post(strand, [call = call] {
                if (auto self = call.lock())
                    self->stop(call_control::stop_reason::cancelled);
            });
        }
    };
    slot.template emplace<forwarder>(forwarder{weak_from_this(), client_->strand});
}

void rerank_call::stop(call_control::stop_reason why) {
    control_.request_stop(why);
    for (auto* sub : std::vector<call_control*>(sub_controls_))
        sub->request_stop(why);
}

void rerank_call::stop_at_deadline(void* call) {
    static_cast<rerank_call*>(call)->stop(call_control::stop_reason::deadline);
}

error_code rerank_call::stop_error(const call_control& control, diagnostics& diag) const {
    if (control.stopped() == call_control::stop_reason::deadline) {
        diag.client_message =
            "the call's deadline (" + std::to_string(timeout_.count()) + " ms) expired";
        return errc::timeout;
    }
    diag.client_message = "the call was cancelled";
    return errc::cancelled;
}

net::awaitable<void> rerank_call::run() {
    auto self = shared_from_this();
    client_->add_call(this);
    deadline_ = clock::now() + timeout_;
    deadline_limit_.arm(deadline_, interrupter{&rerank_call::stop_at_deadline, this});
    if (auto* watcher = client_->watcher) {
        observed_ = {++client_->observed_calls, client_->options.dialect, model(),
                     client_->target.host, client_->server_port};
        started_ = clock::now();
        watcher->on_call_start({observed_, request_.documents.size()});
    }

    response res;
    error_code ec = client_->config_error;
    if (ec)
        diag_ = client_->config_diag;
    if (!ec)
        ec = validate_request(request_, diag_);
    if (!ec)
        ec = check_dialect_request(client_->options.dialect, request_, diag_);
    // The cache ranks cached scores with fresh ones: only where scores merge across requests.
    uses_cache_ = !ec && client_->scores && scores_merge_across_requests();
    const bool all_cached = uses_cache_ && look_up_scores(res);
    bool sent = false;
    if (!all_cached)
        ec = co_await plan_and_send(ec, res, sent);
    if (!sent) {
        // Answered without I/O (refused, or every score cached): complete from a fresh turn of
        // the strand, never inside async_rerank (a caller looping over such calls would
        // otherwise recurse).
        co_await net::post(client_->strand, use_awaitable);
    }
    res.score_kind = wire_of(client_->options.dialect).scores;
    complete(ec, std::move(res));
}

error_code rerank_call::check_listwise_split(const batch_plan& plan) {
    if (plan.single_request() || scores_merge_across_requests())
        return {};
    diag_.client_message =
        "the model " + std::string(model()) + " scores listwise (its scores depend on the " +
        "documents sent together), so a call over its limits (" +
        std::to_string(request_.documents.size()) + " documents, " +
        std::to_string(plan.batches.size()) +
        " requests by the plan) cannot be split and merged by score; send fewer documents, or "
        "set client_options::split_listwise to accept merged scores";
    return errc::invalid_request;
}

net::awaitable<error_code> rerank_call::plan_and_send(error_code ec, response& res, bool& sent) {
    batch_plan plan;
    if (!ec) {
        std::tie(planned_limits_, planned_with_learned_) = client_->limits_for(model());
        ec = co_await this->plan(planned_limits_, plan, diag_);
    }
    if (!ec)
        ec = check_listwise_split(plan);
    if (!ec && control_.stopped() != call_control::stop_reason::none)
        ec = stop_error(control_, diag_);
    if (ec)
        co_return ec;
    sent = true;
    // (No co_await inside ?: : g++ 12 evaluates both arms of such a conditional.)
    if (plan.single_request()) {
        const request_outcome single = co_await run_single(plan, res);
        ec = single.ec;
        if (single.last == attempt_class::too_large)
            ec = co_await run_batched(plan, res, ec);
    } else {
        ec = co_await run_batched(plan, res);
    }
    if (!ec && uses_cache_)
        merge_cached_scores(res);
    co_return ec;
}

std::string_view rerank_call::model() const noexcept {
    return request_.model ? std::string_view(*request_.model)
                          : std::string_view(client_->options.model);
}

net::awaitable<error_code> rerank_call::plan(const rerank::limits& limits, batch_plan& out,
                                             diagnostics& diag) {
    const token_counter& counter = client_->counter_for(model());
    std::size_t text_bytes = sent_->query.size();
    for (const auto& doc : sent_->documents)
        text_bytes += doc.size();
    // Small calls plan in microseconds (cheap bounds, no exact counting): on the strand.
    constexpr std::size_t offload_above_bytes = 256 * 1024;
    if (text_bytes <= offload_above_bytes)
        co_return plan_batches(*sent_, limits, counter, out, diag);
    co_return co_await net::co_spawn(
        client_->planner(),
        [&]() -> net::awaitable<error_code> {
            co_return plan_batches(*sent_, limits, counter, out, diag);
        },
        use_awaitable);
}

wire_request rerank_call::make_wire(const batch_plan& plan, batch range,
                                    std::vector<std::string>& truncated) const {
    wire_request wire;
    wire.model = model();
    wire.query = plan.query_text(*sent_);
    if (plan.document_bytes.empty()) {
        wire.documents =
            std::span<const std::string>(sent_->documents).subspan(range.first, range.count);
    } else {
        truncated.clear();
        for (std::size_t i = range.first; i < range.first + range.count; ++i)
            truncated.emplace_back(plan.document_text(*sent_, i));
        wire.documents = truncated;
    }
    wire.top_n = sub_request_top_n(sent_top_n_, range);
    if (request_.instruct)
        wire.instruct = *request_.instruct;
    wire.return_documents = request_.return_documents;
    // (Item caps and the policy are never learned: the call's planned limits hold them.)
    wire.oversized = planned_limits_.oversized_items;
    wire.max_item_tokens = planned_limits_.max_item_tokens;
    return wire;
}

net::awaitable<rerank_call::request_outcome> rerank_call::run_single(const batch_plan& plan,
                                                                     response& out) {
    std::vector<std::string> truncated;
    const wire_request wire = make_wire(plan, plan.batches.front(), truncated);
    decoded_response decoded;
    const request_outcome outcome =
        co_await exchange_with_retries(control_, wire, plan.batch_tokens.front(), decoded, diag_);
    if (outcome.ec)
        co_return outcome;
    out.id = decoded.id;
    out.request_ids.push_back(std::move(decoded.id));
    out.model = std::move(decoded.model);
    out.usage.total_tokens = decoded.total_tokens;
    out.requests = 1;
    out.results.reserve(decoded.results.size());
    for (const auto& r : decoded.results)
        out.results.push_back(result{r.index, r.relevance_score, sent_->documents[r.index]});
    sort_results(out.results);
    if (sent_top_n_ && out.results.size() > *sent_top_n_)
        out.results.resize(*sent_top_n_); // TEI and NIM answer every document
    co_return outcome;
}

net::awaitable<rerank_call::request_outcome>
rerank_call::exchange_with_retries(call_control& control, const wire_request& wire,
                                   std::uint64_t tokens, decoded_response& decoded,
                                   diagnostics& diag) {
    auto buffer = client_->take_request_buffer();
    const request_head_fields head{client_->request_target,
                                   client_->target.host_header,
                                   *client_->options.api_key,
                                   client_->options.user_agent,
                                   client_->options.dialect == dialect::dashscope_native
                                       ? std::string_view(client_->options.workspace)
                                       : std::string_view(),
                                   client_->options.accept_gzip,
                                   client_->proxy_authorization};
    append_request(client_->options.dialect, wire, buffer->start_body(head));
    buffer->finish(head);

    // This loop only performs: what follows each attempt is decide_next_step's to say.
    retry_progress progress;
    request_outcome outcome;
    pacer& admission = *client_->admission;
    const quota_cost cost{1, static_cast<double>(tokens)};
    observer* const watcher = client_->watcher;
    attempt_end_event seen; // filled only when observed
    for (;;) {
        admission_ticket ticket;
        const error_code refused = co_await admission.admit(control, cost, deadline_, diag, ticket);
        admission_wait_ += ticket.waited;
        if (!ticket.quota_note.empty())
            quota_note_ = std::move(ticket.quota_note);
        if (refused) {
            const bool stopped = control.stopped() != call_control::stop_reason::none;
            outcome = stopped ? request_outcome{stop_error(control, diag), attempt_class::stopped}
                              : request_outcome{refused, attempt_class::permanent};
            if (stopped)
                diag.client_message += ticket.in_flight
                                           ? " while the request waited for its pacer's slot"
                                           : " while the request was queued for a connection";
            admission.release(ticket);
            break;
        }
        clock::time_point attempt_began;
        if (watcher) {
            if (ticket.waited.count() > 0)
                watcher->on_throttle_wait({observed_, ticket.waited});
            seen = {};
            seen.attempt = {observed_, ++client_->observed_attempts, diag.attempts + 1,
                            wire.documents.size(), buffer->wire().size()};
            attempt_began = clock::now();
            watcher->on_attempt_start({seen.attempt});
        }
        const attempt_facts facts =
            co_await attempt_once(control, *buffer, wire, decoded, diag, watcher ? &seen : nullptr);
        outcome.last = classify_attempt(facts, diag);
        if (watcher) {
            seen.outcome = outcome.last;
            seen.error = facts.ec;
            seen.http_status = facts.http_status;
            seen.provider_code = diag.provider_code;
            seen.request_id = facts.ec ? std::string_view(diag.request_id) : decoded.id;
            seen.latency = micros_since(attempt_began);
            watcher->on_attempt_end(seen);
        }
        admission.on_answer(ticket, outcome.last, diag);
        if (outcome.last == attempt_class::throttled)
            ++throttled_;
        const next_step step =
            decide_next_step(outcome.last, facts, progress,
                             {client_->options.retry, client_->budget, clock::now(), deadline_,
                              client_->unit_random(), admission.paced()});
        if (step.what == next_step::kind::done)
            break;
        if (outcome.last == attempt_class::stopped) {
            outcome.ec = stop_error(control, diag);
            break;
        }
        // Throttling is routine: it goes in the counts, not in the history of failures.
        if (step.what != next_step::kind::send_now && outcome.last != attempt_class::throttled)
            note_failed_attempt(facts.ec, diag);
        if (step.what == next_step::kind::fail) {
            if (outcome.last == attempt_class::throttled)
                diag.client_message = "throttled by the server; its next try would be in " +
                                      std::to_string(step.wait.count()) +
                                      " ms, after the call's deadline";
            outcome.ec = step.error;
            break;
        }
        if (watcher)
            watcher->on_retry({observed_, seen.attempt.attempt_id, outcome.last, step.wait});
        if (step.what == next_step::kind::wait_then_send && !co_await sleep(control, step.wait)) {
            outcome = {stop_error(control, diag), attempt_class::stopped};
            break;
        }
    }
    client_->recycle(std::move(buffer));
    co_return outcome;
}

void rerank_call::note_failed_attempt(error_code ec, diagnostics& diag) {
    // The line names its attempt already: to_string() would repeat the count ("N attempts").
    const unsigned attempts = std::exchange(diag.attempts, 0u);
    diag.attempt_history += (diag.attempt_history.empty() ? "" : "\n");
    diag.attempt_history += "attempt " + std::to_string(attempts) + ": " +
                            to_string(static_cast<errc>(ec.value())) + " (" + diag.to_string() +
                            ")";
    diag.attempts = attempts;
}

void rerank_call::begin_attempt(diagnostics& diag) {
    // Each attempt reports afresh; the history of the earlier ones stays.
    std::string history = std::move(diag.attempt_history);
    const unsigned attempts = diag.attempts + 1;
    diag.clear();
    diag.attempt_history = std::move(history);
    diag.attempts = attempts;
    ++call_attempts_;
    pool_counters::add(client_->counters.attempts);
    if (attempts > 1)
        pool_counters::add(client_->counters.retries);
}

net::awaitable<attempt_facts>
rerank_call::attempt_once(call_control& control, const request_buffer& buffer,
                          const wire_request& wire, decoded_response& decoded, diagnostics& diag,
                          attempt_end_event* seen) {
    begin_attempt(diag);
    attempt_facts facts;
    facts.dialect = client_->options.dialect;
    auto& pool = *client_->pool;
    auto got = co_await pool.acquire(control, deadline_, diag);
    if (got.ec) {
        facts.ec = got.ec;
        facts.stop = control.stopped();
        co_return facts;
    }
    std::unique_ptr<connection> conn = std::move(got.conn);
    facts.reused_connection = conn->exchanges > 0;
    if (seen)
        seen->connection = facts.reused_connection       ? connection_kind::reused
                           : conn->tls_session_resumed() ? connection_kind::resumed
                                                         : connection_kind::fresh;
    {
        call_control::waiting_guard guard(control, interrupter::close_of(*conn));
        facts.ec =
            co_await conn->exchange(buffer.wire(), client_->options.max_response_bytes, diag);
    }
    if (facts.ec) {
        facts.stop = control.stopped();
        facts.failed_before_response = conn->failed_before_response();
        const bool stale = classify_attempt(facts, diag) == attempt_class::stale_connection;
        pool.release(std::move(conn), stale);
        co_return facts;
    }

    response_message& msg = conn->response();
    facts.http_status = msg.status;
    if (seen)
        seen->bytes_in = msg.body.size();
    diag.http_status = msg.status;
    if (msg.status >= 200 && msg.status < 300) {
        facts.ec = client_->decoder.decode(client_->options.dialect, msg.body,
                                           wire.documents.size(), wire.top_n, decoded, diag);
        if (!facts.ec && decoded.id.empty())
            decoded.id = msg.request_id;
        if (facts.ec && diag.request_id.empty())
            diag.request_id = msg.request_id;
        pool.release(std::move(conn));
        co_return facts;
    }
    decode_error_body(msg.status, msg.body, diag);
    if (diag.request_id.empty())
        diag.request_id = msg.request_id;
    diag.location = msg.location;
    facts.ec = classify_status(msg.status, diag);
    facts.server_wait =
        parse_retry_after(msg.retry_after, msg.retry_after_ms, std::chrono::system_clock::now());
    pool.release(std::move(conn));
    co_return facts;
}

net::awaitable<bool> rerank_call::sleep(call_control& control, millis delay) {
    net::steady_timer timer(client_->strand, delay);
    {
        call_control::waiting_guard guard(control, interrupter::cancel_of(timer));
        co_await timer.async_wait(as_tuple(use_awaitable));
    }
    co_return control.stopped() == call_control::stop_reason::none;
}

void rerank_call::complete(error_code ec, response res) {
    if (completed_)
        return;
    completed_ = true;
    deadline_limit_.disarm();
    diag_.throttled = throttled_;
    diag_.admission_wait = admission_wait_;
    diag_.quota_note = std::move(quota_note_);
    diag_.limits_note = limits_note();
    diag_.attempts = call_attempts_; // every request's, a split call's too
    client_->remove_call(this);
    if (auto* watcher = client_->watcher)
        watcher->on_call_end({observed_, request_.documents.size(), ec ? 0 : res.requests,
                              ec ? 0 : res.usage.total_tokens, ec, micros_since(started_)});
    if (diag_out_)
        *diag_out_ = std::move(diag_);
    if (ec)
        res = response{};
    // The slot is cleared on the handler's own executor, where the caller emits its signal:
    // clearing it from the strand could race with an emit on another thread.
    auto executor = net::get_associated_executor(handler_, client_->executor);
    auto slot = net::get_associated_cancellation_slot(handler_);
    net::dispatch(executor,
                  [handler = std::move(handler_), slot, ec, res = std::move(res)]() mutable {
                      if (slot.is_connected())
                          slot.clear();
                      std::move(handler)(ec, std::move(res));
                  });
    work_.reset();
}

} // namespace rerank::detail
