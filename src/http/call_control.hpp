// How a call in flight is stopped: by its deadline, by cancellation, by the client's shutdown.
// In the HTTP layer because what it interrupts (a socket, a timer) lives there.
#pragma once

#include <cstdint>

namespace rerank::detail {

/// Whatever the call is waiting on right now (a socket, a timer), and how to interrupt it.
/// A function pointer and an object: no allocation, no std::function.
struct interrupter {
    void (*fn)(void*) = nullptr;
    void* object = nullptr;

    template <class T>
    static interrupter cancel_of(T& target) {
        return {[](void* p) { static_cast<T*>(p)->cancel(); }, &target};
    }
    template <class T>
    static interrupter close_of(T& target) {
        return {[](void* p) { static_cast<T*>(p)->close(); }, &target};
    }
    void operator()() const {
        if (fn)
            fn(object);
    }
};

/// The stop state of one call. Lives on the client's strand; every member runs there.
class call_control {
public:
    enum class stop_reason : std::uint8_t { none, cancelled, deadline };

    stop_reason stopped() const noexcept { return stop_; }

    /// Stops the call: remembers why (the first reason wins) and interrupts the current wait.
    void request_stop(stop_reason why) {
        if (stop_ != stop_reason::none || why == stop_reason::none)
            return;
        stop_ = why;
        auto current = current_;
        current_ = {};
        current();
    }

    /// Marks what the call waits on until the guard dies; interrupts it at once if the call
    /// was already stopped.
    class waiting_guard {
    public:
        waiting_guard(call_control& control, interrupter what)
            : control_(control) {
            control_.current_ = what;
            if (control_.stop_ != stop_reason::none) {
                control_.current_ = {};
                what();
            }
        }
        ~waiting_guard() { control_.current_ = {}; }
        waiting_guard(const waiting_guard&) = delete;
        waiting_guard& operator=(const waiting_guard&) = delete;

    private:
        call_control& control_;
    };

private:
    stop_reason stop_ = stop_reason::none;
    interrupter current_;
};

} // namespace rerank::detail
