// The per-endpoint retry budget: spend 1 per failure, earn `refill` per success, retry only
// while more than half the tokens remain.
#include "client/retry.hpp"

#include <boost/test/tools/floating_point_comparison.hpp>
#include <boost/test/unit_test.hpp>

using rerank::detail::retry_budget;

BOOST_AUTO_TEST_SUITE(retry_budget_arithmetic)

BOOST_AUTO_TEST_CASE(starts_full_and_allows_retries) {
    retry_budget b;
    BOOST_TEST(b.tokens() == 10.0);
    BOOST_TEST(b.allows_retry());
}

BOOST_AUTO_TEST_CASE(each_failure_spends_one_token) {
    retry_budget b(10, 0.1);
    for (int i = 1; i <= 4; ++i) {
        b.on_failure();
        BOOST_TEST(b.tokens() == 10.0 - i);
        BOOST_TEST(b.allows_retry()); // 9, 8, 7, 6 > 5
    }
}

BOOST_AUTO_TEST_CASE(exactly_half_left_stops_retries) {
    retry_budget b(10, 0.1);
    for (int i = 0; i < 5; ++i)
        b.on_failure();
    BOOST_TEST(b.tokens() == 5.0);
    BOOST_TEST(!b.allows_retry()); // more than half must remain
}

BOOST_AUTO_TEST_CASE(one_success_above_half_allows_retries_again) {
    retry_budget b(10, 0.1);
    for (int i = 0; i < 5; ++i)
        b.on_failure();
    b.on_success();
    BOOST_TEST(b.tokens() == 5.1, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(b.allows_retry());
    b.on_failure();
    BOOST_TEST(!b.allows_retry());
}

BOOST_AUTO_TEST_CASE(successes_earn_a_tenth_each) {
    retry_budget b(10, 0.1);
    for (int i = 0; i < 8; ++i)
        b.on_failure(); // 2 tokens
    for (int i = 0; i < 30; ++i)
        b.on_success(); // +3
    BOOST_TEST(b.tokens() == 5.0, boost::test_tools::tolerance(1e-9));
    // Ten successes pay for one failure: a steady 1-in-11 failure rate keeps the budget level.
    for (int i = 0; i < 10; ++i)
        b.on_success();
    b.on_failure();
    BOOST_TEST(b.tokens() == 5.0, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(successes_never_exceed_the_maximum) {
    retry_budget b(10, 0.1);
    for (int i = 0; i < 100; ++i)
        b.on_success();
    BOOST_TEST(b.tokens() == 10.0);
    b.on_failure();
    for (int i = 0; i < 20; ++i)
        b.on_success(); // 9 + 2.0, capped
    BOOST_TEST(b.tokens() == 10.0);
}

BOOST_AUTO_TEST_CASE(failures_never_go_below_zero) {
    retry_budget b(3, 0.5);
    for (int i = 0; i < 10; ++i)
        b.on_failure();
    BOOST_TEST(b.tokens() == 0.0);
    BOOST_TEST(!b.allows_retry());
    // Recovery from empty: 1.5 tokens is half of 3, not more; 2.0 is.
    for (int i = 0; i < 3; ++i)
        b.on_success();
    BOOST_TEST(!b.allows_retry());
    b.on_success();
    BOOST_TEST(b.allows_retry());
}

BOOST_AUTO_TEST_CASE(fractional_token_left_is_spent_to_zero) {
    retry_budget b(2, 0.25);
    b.on_failure();
    b.on_failure(); // 0
    b.on_success(); // 0.25
    b.on_failure(); // less than one left: empties
    BOOST_TEST(b.tokens() == 0.0);
}

BOOST_AUTO_TEST_CASE(non_positive_size_becomes_one_token) {
    retry_budget zero(0, 0.1);
    BOOST_TEST(zero.tokens() == 1.0);
    BOOST_TEST(zero.allows_retry());
    zero.on_failure();
    BOOST_TEST(!zero.allows_retry());
    retry_budget negative(-4, 0.1);
    BOOST_TEST(negative.tokens() == 1.0);
}

BOOST_AUTO_TEST_CASE(a_failing_endpoint_gets_a_bounded_number_of_retries) {
    // What the budget means for a dead API: with 10 tokens and 4 attempts per call, the first
    // call retries 3 times, the next one's first failure leaves half the tokens, and from then
    // on every call makes exactly one attempt.
    retry_budget b(10, 0.1);
    int retries = 0;
    for (int call = 0; call < 100; ++call) {
        for (int attempt = 1; attempt <= 4; ++attempt) {
            b.on_failure();
            if (attempt == 4 || !b.allows_retry())
                break;
            ++retries;
        }
    }
    BOOST_TEST(retries == 3);
}

BOOST_AUTO_TEST_SUITE_END()
