// The in-process quota store: the default. Clients of one process that name the same quota
// share its state (a process-wide table of quotas by name, each behind a mutex held for a few
// arithmetic operations).
#pragma once

#include "quota/quota_store.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

namespace rerank::detail {

/// The GCRA state of one named quota in this process.
struct local_quota {
    std::mutex mutex;
    gcra_state requests;
    gcra_state tokens;
    std::uint64_t throttle_events = 0;
};

class local_quota_store final : public quota_store {
public:
    /// The store of quota `name`, shared with every other store of this process that names
    /// it (the state lives while any of them does).
    explicit local_quota_store(const std::string& name);

    /// Books `cost` under `rates` at `now_us` (microseconds of the steady clock): what
    /// `reserve` does, synchronously. Thread-safe.
    quota_reservation reserve_at(const quota_cost& cost, const quota_rates& rates,
                                 std::chrono::microseconds max_wait, std::int64_t now_us);

    boost::asio::awaitable<quota_reservation> reserve(quota_cost cost, quota_rates rates,
                                                      std::chrono::microseconds max_wait) override;
    boost::asio::awaitable<void> record_throttle() override;

    /// Microseconds of the steady clock, the time base of this store.
    static std::int64_t now_us() noexcept;

private:
    std::shared_ptr<local_quota> quota_;
};

} // namespace rerank::detail
