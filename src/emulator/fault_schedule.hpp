// Which fault each request gets: a queue of scripted faults, then a hook.
#pragma once

#include <rerank/emulator/fault.hpp>
#include <rerank/emulator/request_info.hpp>

#include <deque>
#include <memory>
#include <mutex>

namespace rerank::emulator::detail {

/// Thread-safe. The hook runs outside the lock, so it may push faults.
class fault_schedule {
public:
    void push(fault f);
    void set_hook(fault_hook hook);
    void clear();
    std::size_t pending() const;

    /// The queue's next fault if any, else the hook's verdict, else `fault::normal()`. A hook
    /// that throws gets the request a 500 (`EmulatorHookFailed`, the exception's text in the
    /// `X-Emulator-Hook-Error` header).
    fault next(const request_info& info);

private:
    mutable std::mutex mutex_;
    std::deque<fault> queue_;
    std::shared_ptr<const fault_hook> hook_;
};

} // namespace rerank::emulator::detail
