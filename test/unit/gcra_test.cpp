// GCRA arithmetic and the in-process quota store, on explicit microsecond times.
#include "quota/gcra.hpp"
#include "quota/local_quota_store.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <vector>

using namespace rerank::detail;

namespace {

constexpr std::int64_t second = 1'000'000;

// 10 units per second with a burst of one second.
const gcra_limit ten_per_second{10, second};

} // namespace

BOOST_AUTO_TEST_SUITE(gcra)

BOOST_AUTO_TEST_CASE(a_fresh_limit_admits_a_burst_then_spaces_requests_at_its_rate) {
    gcra_state state;
    const std::int64_t now = 50 * second;
    std::vector<std::int64_t> slots;
    for (int i = 0; i < 13; ++i) {
        const std::int64_t slot = gcra_earliest(state, ten_per_second, 1, now);
        gcra_book(state, ten_per_second, 1, slot);
        slots.push_back(slot - now);
    }
    // One second's share goes at once; the rest follow one increment (100 ms) apart.
    for (int i = 0; i < 10; ++i)
        BOOST_TEST(slots[i] == 0);
    BOOST_TEST(slots[10] == 100'000);
    BOOST_TEST(slots[11] == 200'000);
    BOOST_TEST(slots[12] == 300'000);
}

BOOST_AUTO_TEST_CASE(an_idle_limit_refills_at_its_rate) {
    gcra_state state;
    std::int64_t now = 10 * second;
    for (int i = 0; i < 10; ++i)
        gcra_book(state, ten_per_second, 1, gcra_earliest(state, ten_per_second, 1, now));
    BOOST_TEST(gcra_earliest(state, ten_per_second, 1, now) == now + 100'000);
    now += 300'000; // three increments later, three requests fit at once
    for (int i = 0; i < 3; ++i) {
        BOOST_TEST(gcra_earliest(state, ten_per_second, 1, now) == now);
        gcra_book(state, ten_per_second, 1, now);
    }
    BOOST_TEST(gcra_earliest(state, ten_per_second, 1, now) == now + 100'000);
}

BOOST_AUTO_TEST_CASE(a_cost_above_the_burst_goes_when_the_limit_has_caught_up) {
    gcra_state state;
    const std::int64_t now = second;
    // 30 units at 10 per second take 3 s, more than the 1 s burst: alone, they go at once.
    BOOST_TEST(gcra_earliest(state, ten_per_second, 30, now) == now);
    gcra_book(state, ten_per_second, 30, now);
    BOOST_TEST(state.tat_us == now + 3 * second);
    // The next big one waits for the whole first one; a small one for the first minus the burst.
    BOOST_TEST(gcra_earliest(state, ten_per_second, 30, now) == now + 3 * second);
    BOOST_TEST(gcra_earliest(state, ten_per_second, 1, now) == now + 3 * second - 900'000);
}

BOOST_AUTO_TEST_CASE(unlimited_never_waits_nor_books) {
    gcra_state state;
    const gcra_limit none{};
    BOOST_TEST(gcra_earliest(state, none, 1e9, 7) == 7);
    gcra_book(state, none, 1e9, 7);
    BOOST_TEST(state.tat_us == 0);
    BOOST_TEST(gcra_increment(none, 5) == 0);
}

constexpr std::chrono::microseconds forever = std::chrono::microseconds::max();

BOOST_AUTO_TEST_CASE(a_slot_past_max_wait_is_not_booked) {
    local_quota_store store("gcra_test.max_wait");
    const quota_rates rates{{1, second}, {}};
    const std::int64_t now = 50 * second;
    BOOST_TEST(store.reserve_at({}, rates, forever, now).booked);
    const auto late = store.reserve_at({}, rates, std::chrono::milliseconds(999), now);
    BOOST_TEST(!late.booked);
    BOOST_TEST(late.wait.count() == second);
    // Nothing was booked: the next request still gets the slot one second away.
    const auto next = store.reserve_at({}, rates, std::chrono::seconds(1), now);
    BOOST_TEST(next.booked);
    BOOST_TEST(next.wait.count() == second);
}

BOOST_AUTO_TEST_CASE(the_store_books_both_limits_at_the_later_slot) {
    local_quota_store store("gcra_test.both_limits");
    // 10 requests/s and 1,000 tokens/s: 400-token requests are bound by tokens.
    const quota_rates rates{ten_per_second, {1000, second}};
    const std::int64_t now = 100 * second;
    const auto first = store.reserve_at({1, 400}, rates, forever, now);
    const auto second_ = store.reserve_at({1, 400}, rates, forever, now);
    const auto third = store.reserve_at({1, 400}, rates, forever, now);
    BOOST_TEST(first.wait.count() == 0);
    BOOST_TEST(second_.wait.count() == 0);
    // 800 of the 1,000-token burst used: the third needs 200 more, 200 ms at 1,000/s.
    BOOST_TEST(third.wait.count() == 200'000);
    BOOST_TEST(first.shared);
    BOOST_TEST(!first.ec);
}

BOOST_AUTO_TEST_CASE(stores_of_one_name_share_a_quota_and_other_names_do_not) {
    const quota_rates rates{{1, second}, {}};
    const std::int64_t now = 5 * second;
    local_quota_store a("gcra_test.shared");
    local_quota_store b("gcra_test.shared");
    local_quota_store other("gcra_test.other");
    BOOST_TEST(a.reserve_at({}, rates, forever, now).wait.count() == 0);
    BOOST_TEST(b.reserve_at({}, rates, forever, now).wait.count() == second);
    BOOST_TEST(other.reserve_at({}, rates, forever, now).wait.count() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
