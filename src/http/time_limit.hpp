// The one way the library bounds a wait in time: a time limit that interrupts it.
#pragma once

#include "http/call_control.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

namespace rerank::detail {

/// Runs an `interrupter` at a point in time unless disarmed first. The call's deadline (which
/// stops the call) and each phase limit (connect, TLS handshake: which close the connection)
/// are time limits. Boost 1.81 has no `asio::cancel_after`; this is the small stand-in, built on
/// what the library interrupts anyway (call_control's interrupters) rather than on
/// cancellation slots.
///
/// Threading: arm, disarm and the interrupter run on the executor given (the client's strand).
/// Lifetime: destroying a time limit disarms it; the timer's pending handler owns the shared
/// state, so destruction is safe at any time, and nothing runs after `disarm()`.
class time_limit {
public:
    using clock = std::chrono::steady_clock;

    explicit time_limit(const boost::asio::any_io_executor& ex)
        : state_(std::make_shared<state>(ex)) {}
    ~time_limit() { disarm(); }
    time_limit(const time_limit&) = delete;
    time_limit& operator=(const time_limit&) = delete;

    /// Runs `what` at `when` (at once, from the executor, if `when` has passed). Arming again
    /// replaces the earlier time and interrupter.
    void arm(clock::time_point when, interrupter what) {
        const std::uint64_t generation = ++state_->generation;
        state_->what = what;
        state_->armed = true;
        state_->fired = false;
        state_->timer.expires_at(when);
        state_->timer.async_wait([s = state_, generation](const boost::system::error_code& ec) {
            // A handler queued with success may still run after disarm() or a new arm().
            if (ec || !s->armed || s->generation != generation)
                return;
            s->armed = false;
            s->fired = true;
            s->what();
        });
    }

    /// The interrupter will not run (unless it already did). Idempotent.
    void disarm() noexcept {
        if (!state_->armed)
            return;
        state_->armed = false;
        state_->timer.cancel();
    }

    /// Whether the interrupter ran since the last `arm()`.
    bool fired() const noexcept { return state_->fired; }

private:
    struct state {
        explicit state(const boost::asio::any_io_executor& ex)
            : timer(ex) {}
        boost::asio::steady_timer timer;
        interrupter what;
        std::uint64_t generation = 0;
        bool armed = false;
        bool fired = false;
    };
    std::shared_ptr<state> state_;
};

} // namespace rerank::detail
