// Cancels an asynchronous operation after a duration. Boost 1.81 has no `asio::cancel_after`
// (it came in 1.86): this is the small timer-plus-cancellation-signal stand-in.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <memory>
#include <type_traits>
#include <utility>

namespace rerank::detail {

/// A timer that emits a cancellation signal after a duration unless it is disarmed first.
/// Bind the operation to `slot()`:
///
///     cancel_after limit(executor, 2s);
///     auto [ec, n] = co_await sock.async_read_some(buf,
///         asio::bind_cancellation_slot(limit.slot(), asio::as_tuple(asio::use_awaitable)));
///     // limit.fired(): the operation was asked to stop (it may have completed anyway)
///
/// One object serves one operation at a time: a slot holds a single handler.
///
/// Threading: the timer's handler runs on the executor given; it must not run concurrently
/// with the bound operation (give the operation's strand, or an io_context run by one thread),
/// because cancellation slots are not thread-safe.
/// Lifetime: destroying the object disarms it. The timer's pending handler owns the shared
/// state, so destruction is safe at any time; nothing is emitted after `disarm()`.
class cancel_after {
public:
    using clock = std::chrono::steady_clock;

    /// Arms the timer: `type` is emitted on the signal `after` from now. Default type: terminal
    /// (the operation's object may be left in an unspecified state, e.g. a socket to close).
    cancel_after(const boost::asio::any_io_executor& ex, clock::duration after,
                 boost::asio::cancellation_type type = boost::asio::cancellation_type::terminal)
        : state_(std::make_shared<state>(ex)) {
        state_->timer.expires_after(after);
        state_->timer.async_wait([s = state_, type](const boost::system::error_code& ec) {
            if (ec || !s->armed)
                return; // disarmed: the handler may still have been queued with success
            s->armed = false;
            s->fired = true;
            s->signal.emit(type);
        });
    }

    ~cancel_after() { disarm(); }
    cancel_after(const cancel_after&) = delete;
    cancel_after& operator=(const cancel_after&) = delete;

    /// The slot to bind the operation to (`bind_cancellation_slot(slot(), token)`).
    boost::asio::cancellation_slot slot() noexcept { return state_->signal.slot(); }

    /// Whether the signal was emitted.
    bool fired() const noexcept { return state_->fired; }

    /// Stops the timer; the signal will not be emitted any more. Idempotent.
    void disarm() noexcept {
        if (!state_->armed)
            return;
        state_->armed = false;
        state_->timer.cancel();
    }

private:
    struct state {
        explicit state(const boost::asio::any_io_executor& ex)
            : timer(ex) {}
        boost::asio::steady_timer timer;
        boost::asio::cancellation_signal signal;
        bool armed = true;
        bool fired = false;
    };
    std::shared_ptr<state> state_;
};

/// The completion token `with_timeout` hands to the operation: `as_tuple(use_awaitable)` bound
/// to the timer's cancellation slot, so the results come back as a tuple and nothing throws.
using timeout_token =
    boost::asio::cancellation_slot_binder<boost::asio::as_tuple_t<boost::asio::use_awaitable_t<>>,
                                          boost::asio::cancellation_slot>;

/// Runs `initiate(token)` (a function that starts one asynchronous operation with the completion
/// token it is given) and cancels the operation with `type` when it has not completed after
/// `after`. Returns the operation's results as a tuple: a cancelled operation reports its own
/// cancellation error (usually `operation_aborted`).
///
///     auto [ec] = co_await with_timeout(2s, [&](auto token) { return timer.async_wait(token); });
///
/// The operation listens to the timer's slot only: cancelling the calling coroutine does not
/// reach it. Threading: as `cancel_after`, on the calling coroutine's executor.
template <class Initiate>
auto with_timeout(cancel_after::clock::duration after, Initiate initiate,
                  boost::asio::cancellation_type type = boost::asio::cancellation_type::terminal)
    -> std::invoke_result_t<Initiate&, timeout_token> {
    cancel_after limit(co_await boost::asio::this_coro::executor, after, type);
    co_return co_await initiate(boost::asio::bind_cancellation_slot(
        limit.slot(), boost::asio::as_tuple(boost::asio::use_awaitable)));
}

} // namespace rerank::detail
