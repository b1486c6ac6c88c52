// A call over the API's limits: its sub-requests run concurrently and merge into one ranking.
#include "client/rerank_call.hpp"

#include "batch/merge.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <deque>

namespace rerank::detail {

namespace net = boost::asio;

namespace {

std::string describe_range(batch b) {
    return "documents " + std::to_string(b.first) + " to " + std::to_string(b.first + b.count - 1);
}

} // namespace

namespace {
/// A sub-request to send: its documents and its tokens as the plan counted them.
struct planned_batch {
    batch range;
    std::uint64_t tokens = 0;
};
} // namespace

struct rerank_call::batch_state {
    const batch_plan& plan;
    std::deque<planned_batch> queue;
    std::vector<batching::sub_response> parts;
    std::size_t splits_left;
    bool failed = false;
    error_code error;
    diagnostics diag;
};

net::awaitable<error_code> rerank_call::run_batched(const batch_plan& plan, response& out) {
    batch_state state{plan, {}, {}, 0, false, {}, {}};
    for (std::size_t i = 0; i != plan.batches.size(); ++i)
        state.queue.push_back({plan.batches[i], plan.batch_tokens[i]});
    state.parts.reserve(plan.batches.size());
    // Each split doubles a batch's requests; a bounded number keeps a confused server from
    // turning one call into thousands of requests.
    state.splits_left = 4 + plan.batches.size() / 4;

    const std::size_t workers = std::max<std::size_t>(
        1, std::min({client_->options.max_parallel_requests, client_->options.pool.max_connections,
                     plan.batches.size()}));
    std::size_t running = workers;
    net::steady_timer all_done(client_->strand, net::steady_timer::time_point::max());
    for (std::size_t i = 0; i < workers; ++i)
        net::co_spawn(client_->strand, batch_worker(state), [&](std::exception_ptr failure) {
            if (failure && !state.failed) {
                state.failed = true;
                state.error = errc::connection_failed;
                state.diag.client_message = "internal failure in a sub-request";
            }
            if (--running == 0)
                all_done.cancel();
        });
    co_await all_done.async_wait(net::as_tuple(net::use_awaitable));

    if (state.failed) {
        diag_ = std::move(state.diag);
        co_return state.error;
    }
    if (control_.stopped() != call_control::stop_reason::none)
        co_return stop_error(control_, diag_);
    co_return batching::merge_responses(*sent_, std::move(state.parts), sent_top_n_, out, diag_);
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
        const auto [range, tokens] = state.queue.front();
        state.queue.pop_front();
        const wire_request wire = make_wire(state.plan, range, truncated);
        diag.clear();
        const request_outcome outcome =
            co_await exchange_with_retries(control, wire, tokens, decoded, diag);
        if (!outcome.ec) {
            batching::sub_response part;
            part.range = range;
            part.request_id = std::move(decoded.id);
            part.model = std::move(decoded.model);
            part.total_tokens = decoded.total_tokens;
            part.results.reserve(decoded.results.size());
            for (const auto& r : decoded.results)
                part.results.push_back({r.index, r.relevance_score});
            state.parts.push_back(std::move(part));
            continue;
        }
        if (outcome.last == attempt_class::too_large && state.splits_left > 0) {
            if (auto halves = split_batch(range)) {
                --state.splits_left;
                // Each half is charged its share of the tokens, rounded up.
                auto share = [&](batch half) {
                    return (tokens * half.count + range.count - 1) / range.count;
                };
                state.queue.push_back({halves->first, share(halves->first)});
                state.queue.push_back({halves->second, share(halves->second)});
                continue;
            }
        }
        if (!state.failed) {
            // The first failure fails the whole call (never a silent partial ranking) and
            // stops the sibling sub-requests.
            state.failed = true;
            state.error = control_.stopped() != call_control::stop_reason::none
                              ? stop_error(control_, diag)
                              : outcome.ec;
            state.diag = std::move(diag);
            state.diag.client_message =
                "the sub-request for " + describe_range(range) + " failed" +
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
