#include "quota/local_quota_store.hpp"

#include <algorithm>
#include <map>

namespace rerank::detail {
namespace {

// Quotas by name. Entries are weak so that a quota no client uses any more is forgotten.
std::shared_ptr<local_quota> quota_named(const std::string& name) {
    static std::mutex table_mutex;
    static std::map<std::string, std::weak_ptr<local_quota>> table;
    const std::lock_guard<std::mutex> lock(table_mutex);
    std::erase_if(table, [](const auto& entry) { return entry.second.expired(); });
    auto& slot = table[name];
    auto quota = slot.lock();
    if (!quota) {
        quota = std::make_shared<local_quota>();
        slot = quota;
    }
    return quota;
}

} // namespace

local_quota_store::local_quota_store(const std::string& name)
    : quota_(quota_named(name)) {}

std::int64_t local_quota_store::now_us() noexcept {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

quota_reservation local_quota_store::reserve_at(const quota_cost& cost, const quota_rates& rates,
                                                std::chrono::microseconds max_wait,
                                                std::int64_t now) {
    const std::lock_guard<std::mutex> lock(quota_->mutex);
    const std::int64_t slot =
        std::max(gcra_earliest(quota_->requests, rates.requests, cost.requests, now),
                 gcra_earliest(quota_->tokens, rates.tokens, cost.tokens, now));
    quota_reservation answer;
    answer.wait = std::chrono::microseconds(slot - now);
    answer.throttle_events = quota_->throttle_events;
    answer.booked = answer.wait <= max_wait;
    if (answer.booked) {
        gcra_book(quota_->requests, rates.requests, cost.requests, slot);
        gcra_book(quota_->tokens, rates.tokens, cost.tokens, slot);
    }
    return answer;
}

boost::asio::awaitable<quota_reservation>
local_quota_store::reserve(quota_cost cost, quota_rates rates, std::chrono::microseconds max_wait) {
    co_return reserve_at(cost, rates, max_wait, now_us());
}

boost::asio::awaitable<void> local_quota_store::record_throttle() {
    const std::lock_guard<std::mutex> lock(quota_->mutex);
    ++quota_->throttle_events;
    co_return;
}

} // namespace rerank::detail
