// The arithmetic of retries: Retry-After parsing, backoff and its caps.
#include "client/retry.hpp"

#include <boost/test/unit_test.hpp>

#include <ctime>

using namespace rerank;
using namespace rerank::detail;
using namespace std::chrono_literals;

namespace {

using sys_clock = std::chrono::system_clock;

// 1994-11-06 08:49:37 UTC, the RFC's example date.
sys_clock::time_point rfc_example_time() {
    return sys_clock::from_time_t(784111777);
}

retry_policy policy_of(millis initial, millis cap) {
    retry_policy p;
    p.initial_backoff = initial;
    p.max_backoff = cap;
    return p;
}

std::optional<millis> parse(std::string_view ra, std::string_view ra_ms = {},
                            sys_clock::time_point now = rfc_example_time()) {
    return parse_retry_after(ra, ra_ms, now);
}

} // namespace

BOOST_AUTO_TEST_SUITE(parse_retry_after_header)

BOOST_AUTO_TEST_CASE(delta_seconds) {
    BOOST_TEST(parse("2").value() == 2000ms);
    BOOST_TEST(parse("0").value() == 0ms);
    BOOST_TEST(parse("120").value() == 120'000ms);
    BOOST_TEST(parse(" 3\t").value() == 3000ms); // optional whitespace around the value
}

BOOST_AUTO_TEST_CASE(huge_delta_seconds_do_not_overflow) {
    auto wait = parse("9999999999999");
    BOOST_TEST_REQUIRE(wait.has_value());
    BOOST_TEST(wait->count() > 0);
    BOOST_TEST((*wait >= millis(std::chrono::hours(24))));
}

BOOST_AUTO_TEST_CASE(http_date_is_relative_to_now) {
    BOOST_TEST(parse("Sun, 06 Nov 1994 08:49:44 GMT").value() == 7000ms);
    BOOST_TEST(parse("Sun, 06 Nov 1994 08:50:37 GMT").value() == 60'000ms);
    BOOST_TEST(parse("Mon, 07 Nov 1994 08:49:37 GMT").value() == millis(24h));
    // Month names all parse: a date in December of the same year.
    BOOST_TEST(parse("Tue, 06 Dec 1994 08:49:37 GMT").value() == millis(24h * 30));
}

BOOST_AUTO_TEST_CASE(http_date_in_the_past_means_now) {
    BOOST_TEST(parse("Sun, 06 Nov 1994 08:49:30 GMT").value() == 0ms);
    BOOST_TEST(parse("Sat, 01 Jan 1994 00:00:00 GMT").value() == 0ms);
}

BOOST_AUTO_TEST_CASE(http_date_with_a_sub_second_now) {
    // now is 0.25 s past the second: the wait is what is left, not rounded up.
    auto now = rfc_example_time() + 250ms;
    BOOST_TEST(parse("Sun, 06 Nov 1994 08:49:39 GMT", {}, now).value() == 1750ms);
}

BOOST_AUTO_TEST_CASE(retry_after_ms_wins) {
    BOOST_TEST(parse("3", "1500").value() == 1500ms);
    BOOST_TEST(parse("", "250").value() == 250ms);
    BOOST_TEST(parse("Sun, 06 Nov 1994 08:50:37 GMT", "10").value() == 10ms);
    BOOST_TEST(parse("garbage", "0").value() == 0ms);
}

BOOST_AUTO_TEST_CASE(unparsable_retry_after_ms_falls_back_to_retry_after) {
    BOOST_TEST(parse("3", "soon").value() == 3000ms);
    BOOST_TEST(parse("3", "-5").value() == 3000ms);
    BOOST_TEST(parse("3", "1.5").value() == 3000ms);
}

BOOST_AUTO_TEST_CASE(absent_means_nothing_asked) {
    BOOST_TEST(!parse("", "").has_value());
}

BOOST_AUTO_TEST_CASE(garbage_is_ignored) {
    for (std::string_view bad :
         {"soon", "-1", "1.5", "+5", "5s", "0x10", " ", "99999999999999999999999999",
          "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Foo 1994 08:49:37 GMT",
          "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
          "Sun, 06 Nov 1994 08:49:3x GMT", "Sun, 06 Nov 1994 08:49:37 GMT "}) {
        BOOST_TEST_INFO("Retry-After: '" << bad << "'");
        BOOST_TEST(!parse(bad).has_value());
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(backoff)

BOOST_AUTO_TEST_CASE(full_jitter_spans_zero_to_the_ceiling) {
    const auto p = policy_of(500ms, 30s);
    BOOST_TEST(backoff_delay(p, 1, 0.0) == 0ms);
    BOOST_TEST(backoff_delay(p, 1, 0.5) == 250ms);
    BOOST_TEST(backoff_delay(p, 1, 0.999999).count() >= 499);
    BOOST_TEST(backoff_delay(p, 1, 0.999999) <= 500ms);
}

BOOST_AUTO_TEST_CASE(ceiling_doubles_per_retry_until_the_cap) {
    const auto p = policy_of(500ms, 30s);
    const millis expected[] = {250ms, 500ms, 1000ms, 2000ms, 4000ms, 8000ms, 15000ms, 15000ms};
    for (unsigned retry = 1; retry <= 8; ++retry) {
        BOOST_TEST_INFO("retry " << retry);
        BOOST_TEST(backoff_delay(p, retry, 0.5) == expected[retry - 1]);
    }
}

BOOST_AUTO_TEST_CASE(every_delay_is_within_bounds) {
    const auto p = policy_of(20ms, 1000ms);
    for (unsigned retry = 1; retry <= 12; ++retry) {
        const millis ceiling = std::min(millis(20 << (retry - 1)), 1000ms);
        for (int i = 0; i <= 100; ++i) {
            const double u = i / 100.0 * 0.999999;
            const millis d = backoff_delay(p, retry, u);
            BOOST_TEST_INFO("retry " << retry << ", u " << u);
            BOOST_TEST((d >= 0ms && d <= ceiling));
        }
    }
}

BOOST_AUTO_TEST_CASE(huge_retry_numbers_stay_at_the_cap) {
    const auto p = policy_of(500ms, 30s);
    for (unsigned retry : {63u, 64u, 1000u, 4'000'000'000u}) {
        BOOST_TEST_INFO("retry " << retry);
        BOOST_TEST(backoff_delay(p, retry, 0.999999) <= 30s);
        BOOST_TEST(backoff_delay(p, retry, 0.999999) >= 29'999ms);
    }
}

BOOST_AUTO_TEST_CASE(out_of_range_randomness_is_clamped) {
    const auto p = policy_of(500ms, 30s);
    BOOST_TEST(backoff_delay(p, 1, -3.0) == 0ms);
    BOOST_TEST(backoff_delay(p, 1, 7.0) == 500ms);
}

BOOST_AUTO_TEST_CASE(retry_zero_is_treated_as_the_first) {
    const auto p = policy_of(500ms, 30s);
    BOOST_TEST(backoff_delay(p, 0, 0.5) == backoff_delay(p, 1, 0.5));
}

BOOST_AUTO_TEST_CASE(initial_above_the_cap_is_capped) {
    const auto p = policy_of(10s, 2s);
    BOOST_TEST(backoff_delay(p, 1, 0.999999) <= 2s);
    BOOST_TEST(backoff_delay(p, 1, 0.5) == 1s);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(next_delay_choice)

BOOST_AUTO_TEST_CASE(server_wait_is_taken_as_is_without_jitter) {
    const auto p = policy_of(500ms, 30s);
    BOOST_TEST(next_delay(p, 1, 0.0, 2000ms) == 2000ms);
    BOOST_TEST(next_delay(p, 3, 0.9, 0ms) == 0ms);
}

BOOST_AUTO_TEST_CASE(server_wait_is_capped_by_max_backoff) {
    const auto p = policy_of(500ms, 30s);
    BOOST_TEST(next_delay(p, 1, 0.5, 120'000ms) == 30s);
    BOOST_TEST(next_delay(policy_of(20ms, 1s), 1, 0.5, 5s) == 1s);
}

BOOST_AUTO_TEST_CASE(without_server_wait_it_is_the_backoff) {
    const auto p = policy_of(500ms, 30s);
    for (unsigned retry = 1; retry <= 10; ++retry)
        for (double u : {0.0, 0.3, 0.77}) {
            BOOST_TEST_INFO("retry " << retry << ", u " << u);
            BOOST_TEST(next_delay(p, retry, u, std::nullopt) == backoff_delay(p, retry, u));
        }
}

BOOST_AUTO_TEST_SUITE_END()
