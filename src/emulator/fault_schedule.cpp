#include "emulator/fault_schedule.hpp"

#include <exception>
#include <string>

namespace rerank::emulator::detail {

void fault_schedule::push(fault f) {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(f));
}

void fault_schedule::set_hook(fault_hook hook) {
    auto shared = hook ? std::make_shared<const fault_hook>(std::move(hook)) : nullptr;
    std::lock_guard lock(mutex_);
    hook_ = std::move(shared);
}

void fault_schedule::clear() {
    std::lock_guard lock(mutex_);
    queue_.clear();
    hook_.reset();
}

std::size_t fault_schedule::pending() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

fault fault_schedule::next(const request_info& info) {
    std::shared_ptr<const fault_hook> hook;
    {
        std::lock_guard lock(mutex_);
        if (!queue_.empty()) {
            fault f = std::move(queue_.front());
            queue_.pop_front();
            return f;
        }
        hook = hook_;
    }
    if (!hook)
        return fault::normal();
    try {
        return (*hook)(info);
    } catch (const std::exception& e) {
        // A failing hook is a bug in the test: make it loud, without killing the connection.
        return fault::status(500,
                             std::string(R"({"code":"EmulatorHookFailed","message":")") +
                                 "the fault hook threw\"}",
                             {{"X-Emulator-Hook-Error", e.what()}});
    }
}

} // namespace rerank::emulator::detail
