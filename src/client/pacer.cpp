#include "client/pacer.hpp"

#include "quota/redis_quota_store.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <utility>

namespace rerank::detail {

namespace net = boost::asio;

struct pacer::waiter {
    net::steady_timer timer;
    bool granted = false;
};

namespace {

adaptive_rate_config rate_config(const rate_limit_options& o, unsigned max_in_flight) {
    adaptive_rate_config c;
    c.requests_per_second = std::max(0.0, o.requests_per_minute) / 60;
    c.tokens_per_second = std::max(0.0, o.tokens_per_minute) / 60;
    // 5 % of the burst is kept in hand: the server counts arrivals and the pacer departures,
    // and a burst's first requests (on new connections) arrive later than those after them.
    // At the server's own rate and burst, a pacer using all of it is throttled by that jitter.
    const auto burst = std::chrono::duration_cast<std::chrono::microseconds>(o.burst).count();
    c.burst_us = burst - burst / 20;
    c.max_in_flight = std::max(1u, max_in_flight);
    c.adaptive = o.adaptive;
    return c;
}

std::string milliseconds_text(std::chrono::microseconds t) {
    return std::to_string((t.count() + 999) / 1000) + " ms";
}

// The steady clock to a few milliseconds, for what counts successes in 100 ms buckets: on some
// virtual machines a precise read costs more than the rest of an answer's bookkeeping.
std::int64_t coarse_now_us() noexcept {
#ifdef CLOCK_MONOTONIC_COARSE
    timespec t{};
    if (::clock_gettime(CLOCK_MONOTONIC_COARSE, &t) == 0)
        return std::int64_t(t.tv_sec) * 1'000'000 + t.tv_nsec / 1000;
#endif
    return local_quota_store::now_us();
}

throttle_kind kind_of(const diagnostics& diag) {
    return diag.provider_code == "Throttling.AllocationQuota" ? throttle_kind::tokens
                                                              : throttle_kind::requests;
}

} // namespace

pacer::pacer(net::any_io_executor strand, const rate_limit_options& options, unsigned max_in_flight,
             const std::string& quota_name, pool_counters& counters)
    : strand_(std::move(strand))
    , counters_(counters)
    , rate_(rate_config(options, max_in_flight)) {
    if (options.redis.url.empty()) {
        auto local = std::make_shared<local_quota_store>(quota_name);
        local_ = local.get();
        store_ = std::move(local);
    } else {
        // Its destructor, when the last detached throttle record lets go of it, ends the
        // connection (on the strand, whatever thread runs it).
        store_ = std::make_shared<redis_quota_store>(strand_, options.redis, quota_name);
    }
    publish_gauges();
}

pacer::~pacer() = default;

void pacer::note_throttle_events(std::uint64_t events) {
    if (!events_known_) {
        events_known_ = true; // what happened before this client started is not news
        seen_events_ = events;
        return;
    }
    if (events <= seen_events_)
        return;
    const std::uint64_t rise = events - seen_events_;
    const std::uint64_t mine = std::min(rise, own_unseen_events_);
    own_unseen_events_ -= mine;
    seen_events_ = events;
    if (rise > mine && rate_.on_remote_throttle(now_us()))
        publish_gauges();
}

void pacer::publish_gauges() {
    counters_.admission_rate_per_minute.store(rate_.requests_per_second() * 60,
                                              std::memory_order_relaxed);
    pool_counters::set(counters_.in_flight_limit, rate_.in_flight_limit());
}

bool pacer::try_take_in_flight_place() noexcept {
    if (!waiters_.empty() || in_flight_ >= rate_.in_flight_limit())
        return false;
    ++in_flight_;
    return true;
}

net::awaitable<bool> pacer::wait_for_in_flight_place(call_control& control) {
    waiter w{net::steady_timer(strand_, net::steady_timer::time_point::max())};
    waiters_.push_back(&w);
    // The in-flight limit is at most the pool's connection limit: a request queued here is
    // queued for a connection, and counted as such in `pool_stats::waiting`.
    pool_counters::set(counters_.waiting_for_place, waiters_.size());
    {
        call_control::waiting_guard guard(control, interrupter::cancel_of(w.timer));
        co_await w.timer.async_wait(net::as_tuple(net::use_awaitable));
    }
    if (!w.granted) // (a granted waiter was taken off the queue by give_back_in_flight_place)
        waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &w));
    pool_counters::set(counters_.waiting_for_place, waiters_.size());
    // The place is ours even if the call stopped: the caller gives it back.
    co_return w.granted;
}

void pacer::give_back_in_flight_place() {
    --in_flight_;
    // Places go to waiters in the order they asked, as far as the (possibly cut) limit allows.
    while (!waiters_.empty() && in_flight_ < rate_.in_flight_limit()) {
        waiter* next = waiters_.front();
        waiters_.pop_front();
        next->granted = true;
        ++in_flight_;
        next->timer.cancel();
    }
    pool_counters::set(counters_.waiting_for_place, waiters_.size());
}

net::awaitable<error_code> pacer::admit(call_control& control, quota_cost cost,
                                        std::chrono::steady_clock::time_point deadline,
                                        diagnostics& diag, admission_ticket& ticket) {
    ticket = admission_ticket{};
    ticket.tokens = cost.tokens;
    // The clock is read once on the fast path (no wait, in-process store): on some machines a
    // read costs more than the rest of the admission. `now` is stale after any co_await.
    std::int64_t now = now_us();
    const std::int64_t asked_us = now;
    bool placed = try_take_in_flight_place();
    if (!placed) {
        placed = co_await wait_for_in_flight_place(control);
        now = now_us();
    }
    ticket.in_flight = placed;
    if (!placed || control.stopped() != call_control::stop_reason::none)
        co_return errc::cancelled; // the caller words the stop (deadline or cancellation)
    const std::int64_t deadline_us =
        std::chrono::duration_cast<std::chrono::microseconds>(deadline.time_since_epoch()).count();
    const std::chrono::microseconds max_wait(std::max<std::int64_t>(0, deadline_us - now));
    // Unpaced, the reservation books nothing; it still tells of other clients' throttles.
    // (Not a conditional expression: GCC 12 miscompiles a co_await in one branch of `?:`,
    // destroying a temporary of the other.)
    quota_reservation r;
    bool now_is_fresh = true;
    if (local_) {
        r = local_->reserve_at(cost, rate_.rates(), max_wait, now);
    } else {
        r = co_await store_->reserve(cost, rate_.rates(), max_wait);
        now_is_fresh = false;
    }
    note_throttle_events(r.throttle_events);
    if (r.ec) {
        diag.client_message = std::move(r.note);
        co_return r.ec;
    }
    if (!r.shared)
        ticket.quota_note = std::move(r.note);
    if (!r.booked) {
        diag.client_message = "the pacer's next slot for this request is in " +
                              milliseconds_text(r.wait) + ", after the call's deadline (in " +
                              milliseconds_text(max_wait) +
                              "); raise the timeout or the rate limits";
        co_return errc::rate_limited;
    }
    if (r.wait.count() > 0) {
        net::steady_timer timer(strand_, r.wait);
        call_control::waiting_guard guard(control, interrupter::cancel_of(timer));
        co_await timer.async_wait(net::as_tuple(net::use_awaitable));
        now_is_fresh = false;
    }
    if (control.stopped() != call_control::stop_reason::none)
        co_return errc::cancelled;
    ticket.sent_us = now_is_fresh ? now : now_us();
    ticket.waited = std::chrono::microseconds(ticket.sent_us - asked_us);
    // Waits under a millisecond are the cost of the bookkeeping, not pacing.
    if (ticket.waited < std::chrono::milliseconds(1))
        ticket.waited = {};
    else {
        pool_counters::add(counters_.admissions_waited);
        pool_counters::add(counters_.admission_wait_us, ticket.waited.count());
    }
    co_return error_code{};
}

void pacer::on_answer(admission_ticket& ticket, attempt_class cls, const diagnostics& diag) {
    if (cls == attempt_class::succeeded) {
        rate_.on_success(coarse_now_us(), ticket.tokens);
        publish_gauges();
    } else if (cls == attempt_class::throttled) {
        pool_counters::add(counters_.throttled);
        if (rate_.on_throttled(now_us(), ticket.sent_us, kind_of(diag))) {
            publish_gauges();
            // Every client sharing the quota slows down too. Only cuts are recorded: the
            // answers of one congestion event would otherwise cut the others many times.
            ++own_unseen_events_;
            net::co_spawn(
                strand_,
                [store = store_]() -> net::awaitable<void> { co_await store->record_throttle(); },
                net::detached);
        }
    }
    release(ticket);
}

void pacer::release(admission_ticket& ticket) {
    if (std::exchange(ticket.in_flight, false))
        give_back_in_flight_place();
}

std::string default_quota_name(std::string_view api_key, std::string_view host,
                               std::string_view model) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const char zero = 0;
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    EVP_DigestUpdate(ctx, api_key.data(), api_key.size());
    EVP_DigestUpdate(ctx, &zero, 1);
    EVP_DigestUpdate(ctx, host.data(), host.size());
    EVP_DigestUpdate(ctx, &zero, 1);
    EVP_DigestUpdate(ctx, model.data(), model.size());
    EVP_DigestFinal_ex(ctx, digest, &size);
    EVP_MD_CTX_free(ctx);
    static constexpr char hex[] = "0123456789abcdef";
    std::string name;
    for (unsigned i = 0; i < 16 && i < size; ++i) {
        name += hex[digest[i] >> 4];
        name += hex[digest[i] & 15];
    }
    return name;
}

} // namespace rerank::detail
