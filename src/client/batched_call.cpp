// A call over the API's limits: its sub-requests run concurrently and merge into one ranking.
// Also where a request the server refused as too large goes: it is split (by the limit the
// refusal stated, else in halves) and its parts run here.
#include "client/rerank_call.hpp"

#include "batch/format.hpp"
#include "batch/merge.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <bit>
#include <deque>

namespace rerank::detail {

namespace net = boost::asio;

namespace {

std::string describe_range(batch b) {
    return "documents " + std::to_string(b.first) + " to " + std::to_string(b.first + b.count - 1);
}

} // namespace

struct rerank_call::batch_state {
    /// The plan the batches come from: the call's, or its re-plan under limits a refusal stated
    /// (owned by `replanned`). Both cut and truncate texts alike (only document and token caps
    /// are ever learned), so either serves `make_wire`.
    const batch_plan* plan = nullptr;
    /// The limits `plan` was made under.
    rerank::limits plan_limits;
    std::unique_ptr<batch_plan> replanned;
    std::deque<planned_batch> queue;
    std::vector<batching::sub_response> parts;
    /// Splits of refused requests still allowed.
    std::size_t splits_left = 0;
    /// Workers running, and at most how many may.
    std::size_t running = 0;
    std::size_t max_workers = 1;
    /// Set while a worker re-plans: ranges refused meanwhile wait in `refused_meanwhile`.
    bool replanning = false;
    std::vector<planned_batch> refused_meanwhile;
    bool failed = false;
    error_code error;
    diagnostics diag;
    /// Wakes run_batched when the last worker ends.
    net::steady_timer* all_done = nullptr;
};

void rerank_call::start_workers(batch_state& state) {
    while (!state.failed && state.running < state.max_workers &&
           state.running < state.queue.size() + (state.replanning ? 1 : 0)) {
        ++state.running;
        net::co_spawn(client_->strand, batch_worker(state),
                      [self = shared_from_this(), &state](std::exception_ptr failure) {
                          if (failure && !state.failed) {
                              state.failed = true;
                              state.error = errc::connection_failed;
                              state.diag.client_message = "internal failure in a sub-request";
                          }
                          if (--state.running == 0)
                              state.all_done->cancel();
                      });
    }
}

net::awaitable<error_code> rerank_call::run_batched(const batch_plan& plan, response& out,
                                                    std::optional<error_code> refused) {
    batch_state state;
    state.plan = &plan;
    state.plan_limits = planned_limits_;
    for (std::size_t i = 0; i != plan.batches.size(); ++i)
        state.queue.push_back({plan.batches[i], plan.batch_tokens[i]});
    state.parts.reserve(plan.batches.size());
    // Each split doubles a batch's requests; a bounded number keeps a confused server from
    // turning one call into thousands of requests. Halving a single request down to one
    // document takes about 2 × log2(documents) splits of its two halves' lines.
    state.splits_left = 4 + plan.batches.size() / 4 + 2 * std::bit_width(sent_->documents.size());
    state.max_workers = std::max<std::size_t>(
        1, std::min(client_->options.max_parallel_requests, client_->options.pool.max_connections));

    net::steady_timer all_done(client_->strand, net::steady_timer::time_point::max());
    state.all_done = &all_done;
    if (refused) {
        // The call's single request was refused as too large (diag_ says how): split it
        // before anything runs.
        state.queue.clear();
        ++state.running; // held while splitting, so no worker ending early ends the call
        const bool split =
            co_await split_refused(state, {plan.batches.front(), plan.batch_tokens.front()}, diag_);
        --state.running;
        if (!split)
            co_return *refused;
        // The refusal is dealt with: the call's diagnostics no longer describe it (the attempt
        // history and the limits note still do).
        diagnostics kept;
        kept.attempts = diag_.attempts;
        kept.attempt_history = std::move(diag_.attempt_history);
        diag_ = std::move(kept);
    }
    start_workers(state);
    if (state.running != 0)
        co_await all_done.async_wait(net::as_tuple(net::use_awaitable));

    if (state.failed) {
        diag_ = std::move(state.diag);
        co_return state.error;
    }
    if (control_.stopped() != call_control::stop_reason::none)
        co_return stop_error(control_, diag_);
    co_return batching::merge_responses(*sent_, std::move(state.parts), sent_top_n_, out, diag_);
}

net::awaitable<bool> rerank_call::split_refused(batch_state& state, planned_batch refused,
                                                diagnostics& diag) {
    const batch range = refused.range;
    if (state.splits_left == 0 || !scores_merge_across_requests())
        co_return false;
    const batching::stated_limits stated = learn_from_refusal(diag);
    if (state.replanning) { // a sibling is re-planning: it cuts this one too, when done
        state.refused_meanwhile.push_back({range, refused.tokens});
        co_return true;
    }
    rerank::limits lowered = state.plan_limits;
    if (batching::lower_to(lowered, stated)) {
        // The refusal stated a limit lower than the plan's: plan the call again under it. Every
        // batch of the new plan fits the stated limit, and so does every sub-range of one (each
        // limit is monotone), so what is left to send is cut along the new plan's batches.
        state.replanning = true;
        auto fresh = std::make_unique<batch_plan>();
        diagnostics plan_diag;
        const rerank::limits limits = client_->limits_for(model()).first;
        const error_code ec = co_await plan(limits, *fresh, plan_diag);
        state.replanning = false;
        if (ec) { // e.g. a document that alone is over the stated limit
            diag.client_message = "under the limit the server stated (" +
                                  batching::describe(stated) + "): " + plan_diag.client_message;
            co_return false;
        }
        --state.splits_left;
        state.plan_limits = limits;
        state.replanned = std::move(fresh);
        state.plan = state.replanned.get();
        std::deque<planned_batch> pending = std::move(state.queue);
        state.queue.clear();
        pending.push_front({range, refused.tokens});
        for (const planned_batch& p : state.refused_meanwhile)
            pending.push_back(p);
        state.refused_meanwhile.clear();
        for (const planned_batch& p : pending)
            cut_along_plan(state, p.range);
        start_workers(state);
        co_return true;
    }
    // Not within one batch of a newer plan: cut along it. Within one (the server refused what
    // its own stated limit allows) or no limit stated: halve.
    if (state.plan != nullptr && !within_one_batch(*state.plan, range)) {
        --state.splits_left;
        cut_along_plan(state, range);
        start_workers(state);
        co_return true;
    }
    auto halves = split_batch(range);
    if (!halves)
        co_return false;
    --state.splits_left;
    // Each half is charged its share of the tokens, rounded up.
    auto share = [&](batch half) {
        return (refused.tokens * half.count + range.count - 1) / range.count;
    };
    state.queue.push_back({halves->first, share(halves->first)});
    state.queue.push_back({halves->second, share(halves->second)});
    note_split(range, 2);
    start_workers(state);
    co_return true;
}

bool rerank_call::within_one_batch(const batch_plan& plan, batch range) {
    for (const batch& b : plan.batches)
        if (range.first >= b.first && range.first < b.first + b.count)
            return range.first + range.count <= b.first + b.count;
    return false;
}

void rerank_call::cut_along_plan(batch_state& state, batch range) {
    const batch_plan& plan = *state.plan;
    std::size_t pieces = 0;
    for (std::size_t i = 0; i != plan.batches.size(); ++i) {
        const batch b = plan.batches[i];
        const std::size_t first = std::max(b.first, range.first);
        const std::size_t end = std::min(b.first + b.count, range.first + range.count);
        if (first >= end)
            continue;
        const batch piece{first, end - first};
        // Charged its share of the new batch's tokens, rounded up.
        const std::uint64_t tokens = (plan.batch_tokens[i] * piece.count + b.count - 1) / b.count;
        state.queue.push_back({piece, tokens});
        ++pieces;
    }
    note_split(range, pieces);
}

batching::stated_limits rerank_call::learn_from_refusal(const diagnostics& diag) {
    batching::stated_limits stated = batching::parse_stated_limits(diag.provider_message);
    // Only a limit below the configured or documented one is news (a server restating ours,
    // when our count and its differ, is not).
    rerank::limits configured = client_->configured_limits(model());
    if (!batching::lower_to(configured, stated))
        return {};
    if (client_->learned_limits.learn(model(), stated))
        pool_counters::add(client_->counters.limits_learned);
    // What this call heard: the lowest statement of each limit.
    auto keep_lowest = [](std::optional<std::size_t>& kept, std::optional<std::size_t> said) {
        if (said && (!kept || *said < *kept))
            kept = said;
    };
    keep_lowest(stated_.max_documents, stated.max_documents);
    keep_lowest(stated_.max_request_tokens, stated.max_request_tokens);
    return stated;
}

void rerank_call::note_split(batch range, std::size_t pieces) {
    if (refusals_split_++ == 0)
        first_refused_ = range;
    split_pieces_ += pieces;
    pool_counters::add(client_->counters.refused_splits);
}

bool rerank_call::scores_merge_across_requests() const noexcept {
    return client_->options.split_listwise || !scores_listwise(model());
}

std::string rerank_call::limits_note() const {
    std::string note;
    if (planned_with_learned_)
        note = "planned under limits learned from the server's refusals (" +
               batching::describe(client_->learned_limits.find(model())) + ")";
    if (refusals_split_ != 0) {
        if (!note.empty())
            note += "; ";
        note += "the server refused " + describe_range(first_refused_) + " as too large";
        if (refusals_split_ > 1)
            note += " (and " + std::to_string(refusals_split_ - 1) + " more requests)";
        note += ": sent again as " + std::to_string(split_pieces_) + " requests";
    }
    if (stated_.any())
        note += ", under the limit it stated (" + batching::describe(stated_) +
                "), adopted for the model '" + std::string(model()) + "' in later calls";
    return note;
}

net::awaitable<void> rerank_call::batch_worker(batch_state& state) {
    call_control control;
    if (control_.stopped() != call_control::stop_reason::none)
        control.request_stop(control_.stopped());
    sub_controls_.push_back(&control);
    decoded_response decoded;
    diagnostics diag;
    std::vector<std::string> truncated;

    while (!state.failed && !state.queue.empty()) {
        const planned_batch next = state.queue.front();
        state.queue.pop_front();
        const wire_request wire = make_wire(*state.plan, next.range, truncated);
        diag.clear();
        const request_outcome outcome =
            co_await exchange_with_retries(control, wire, next.tokens, decoded, diag);
        if (!outcome.ec) {
            batching::sub_response part;
            part.range = next.range;
            part.request_id = std::move(decoded.id);
            part.model = std::move(decoded.model);
            part.total_tokens = decoded.total_tokens;
            part.results.reserve(decoded.results.size());
            for (const auto& r : decoded.results)
                part.results.push_back({r.index, r.relevance_score});
            state.parts.push_back(std::move(part));
            continue;
        }
        if (outcome.last == attempt_class::too_large &&
            co_await split_refused(state, {next.range, next.tokens}, diag))
            continue;
        if (!state.failed) {
            // The first failure fails the whole call (never a silent partial ranking) and
            // stops the sibling sub-requests.
            state.failed = true;
            state.error = control_.stopped() != call_control::stop_reason::none
                              ? stop_error(control_, diag)
                              : outcome.ec;
            state.diag = std::move(diag);
            state.diag.client_message =
                "the sub-request for " + describe_range(next.range) + " failed" +
                (state.diag.client_message.empty() ? "" : ": " + state.diag.client_message);
            for (auto* sibling : std::vector<call_control*>(sub_controls_))
                if (sibling != &control)
                    sibling->request_stop(call_control::stop_reason::cancelled);
        }
        break;
    }
    sub_controls_.erase(std::find(sub_controls_.begin(), sub_controls_.end(), &control));
}

} // namespace rerank::detail
