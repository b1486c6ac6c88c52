// Admission of every HTTP request of a client: the in-flight limit, the quota's slot, the
// adaptive rate. A thin driver on the client's strand around sans-io parts (adaptive_rate,
// the GCRA of the quota store).
#pragma once

#include "client/retry_decision.hpp"
#include "http/call_control.hpp"
#include "http/pool_counters.hpp"
#include "quota/adaptive_rate.hpp"
#include "quota/local_quota_store.hpp"

#include <rerank/diagnostics.hpp>
#include <rerank/rate_limit_options.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

namespace rerank::detail {

/// One admitted request: given back to the pacer with the attempt's outcome.
struct admission_ticket {
    /// When the request was sent (after its wait), in the pacer's microseconds.
    std::int64_t sent_us = 0;
    /// Whether it holds one of the in-flight places.
    bool in_flight = false;
    /// How long it waited for admission.
    std::chrono::microseconds waited{0};
    double tokens = 0;
    /// Set when a shared store did not answer and the local fallback admitted it.
    std::string quota_note;
};

class pacer {
public:
    /// `quota_name` names the quota in its store (see `rate_limit_options::quota_key`);
    /// `max_in_flight` is the pool's connection limit.
    pacer(boost::asio::any_io_executor strand, const rate_limit_options& options,
          unsigned max_in_flight, const std::string& quota_name, pool_counters& counters);
    ~pacer();
    pacer(const pacer&) = delete;
    pacer& operator=(const pacer&) = delete;

    /// Admits one request of `cost`: waits for an in-flight place (FIFO) and for the quota's
    /// slot. Fails with `rate_limited` when the slot lies past `deadline` (nothing is booked;
    /// `diag.client_message` says how long it would have waited), with the stop's error when
    /// the call stops meanwhile (`stop_reason` says which; the caller words it), or with
    /// `quota_store_unavailable` under `quota_store_failure::fail`.
    boost::asio::awaitable<error_code> admit(call_control& control, quota_cost cost,
                                             std::chrono::steady_clock::time_point deadline,
                                             diagnostics& diag, admission_ticket& ticket);

    /// The attempt of an admitted request ended as `cls` (`diag`: what the server said): gives
    /// its in-flight place back and adapts the rate.
    void on_answer(admission_ticket& ticket, attempt_class cls, const diagnostics& diag);
    /// Gives back the in-flight place of a ticket whose request was not sent (`admit` failed).
    void release(admission_ticket& ticket);

    /// Whether a rate applies now (a throttled request then waits for its slot).
    bool paced() const noexcept { return rate_.paced(); }

private:
    struct waiter;
    /// Takes an in-flight place if one is free and nobody waits for one.
    bool try_take_in_flight_place() noexcept;
    /// Waits FIFO for an in-flight place; false when the call stopped first.
    boost::asio::awaitable<bool> wait_for_in_flight_place(call_control& control);
    void give_back_in_flight_place();
    void note_throttle_events(std::uint64_t events);
    void publish_gauges();
    static std::int64_t now_us() noexcept { return local_quota_store::now_us(); }

    boost::asio::any_io_executor strand_;
    pool_counters& counters_;
    adaptive_rate rate_;
    std::shared_ptr<quota_store> store_;
    /// `store_` when it is the in-process store: reserved synchronously.
    local_quota_store* local_ = nullptr;
    unsigned in_flight_ = 0;
    std::deque<waiter*> waiters_;
    /// The store's throttle events seen so far, and those this client recorded and has not
    /// seen come back yet: a rise beyond those is another client's or process's throttle.
    bool events_known_ = false;
    std::uint64_t seen_events_ = 0;
    std::uint64_t own_unseen_events_ = 0;
};

/// The quota's name when `rate_limit_options::quota_key` is empty: a hash of (API key, host,
/// model), hex, never the key itself.
std::string default_quota_name(std::string_view api_key, std::string_view host,
                               std::string_view model);

} // namespace rerank::detail
