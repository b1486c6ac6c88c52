// The emulator's quota (GCRA per limit) on a fake clock: no I/O, no sleeping.
#include "emulator/rate_gate.hpp"

#include <boost/test/unit_test.hpp>

using namespace rerank::emulator::detail;
using namespace std::chrono_literals;

namespace {

// An arbitrary instant far from the clock's epoch.
const rate_gate::clock::time_point gate_t0 = rate_gate::clock::time_point(1000h);

std::size_t admitted_at(rate_gate& gate, std::size_t attempts, std::size_t tokens,
                        rate_gate::clock::time_point at) {
    std::size_t admitted = 0;
    for (std::size_t i = 0; i < attempts; ++i)
        admitted += gate.admit(tokens, at).verdict == quota_verdict::admitted;
    return admitted;
}

} // namespace

BOOST_AUTO_TEST_SUITE(emulator_rate_gate)

BOOST_AUTO_TEST_CASE(no_limit_admits_everything) {
    rate_gate gate(0, 0, 1000ms);
    BOOST_TEST(!gate.enabled());
    BOOST_TEST(admitted_at(gate, 1000, 1000000, gate_t0) == 1000u);
}

BOOST_AUTO_TEST_CASE(a_burst_of_one_seconds_share_then_the_rate) {
    rate_gate gate(600, 0, 1000ms); // 10 per second, 100 ms apart
    BOOST_TEST(gate.enabled());
    BOOST_TEST(admitted_at(gate, 50, 1, gate_t0) == 10u);
    const quota_admission refused = gate.admit(1, gate_t0);
    BOOST_TEST((refused.verdict == quota_verdict::requests_exceeded));
    BOOST_TEST(refused.retry_after.count() == std::chrono::nanoseconds(100ms).count());
    BOOST_TEST(admitted_at(gate, 5, 1, gate_t0 + 99ms) == 0u);
    BOOST_TEST(admitted_at(gate, 5, 1, gate_t0 + 100ms) == 1u);
    // Steady state: one per 100 ms, however many ask.
    std::size_t admitted = 0;
    for (int ms = 101; ms <= 10100; ++ms)
        admitted += admitted_at(gate, 3, 1, gate_t0 + std::chrono::milliseconds(ms));
    BOOST_TEST(admitted == 100u);
}

BOOST_AUTO_TEST_CASE(refused_requests_cost_nothing) {
    rate_gate gate(60, 0, 1000ms); // one per second, a burst of one
    BOOST_TEST(admitted_at(gate, 1, 1, gate_t0) == 1u);
    BOOST_TEST(admitted_at(gate, 1000, 1, gate_t0 + 500ms) == 0u);
    BOOST_TEST(admitted_at(gate, 1, 1, gate_t0 + 1000ms) == 1u);
}

BOOST_AUTO_TEST_CASE(an_idle_gate_refills_its_burst_and_no_more) {
    rate_gate gate(600, 0, 1000ms);
    BOOST_TEST(admitted_at(gate, 10, 1, gate_t0) == 10u);
    BOOST_TEST(admitted_at(gate, 50, 1, gate_t0 + 1h) == 10u);
}

BOOST_AUTO_TEST_CASE(a_zero_burst_spaces_requests_evenly) {
    rate_gate gate(600, 0, 0ms);
    BOOST_TEST(admitted_at(gate, 5, 1, gate_t0) == 1u);
    BOOST_TEST(admitted_at(gate, 5, 1, gate_t0 + 99ms) == 0u);
    BOOST_TEST(admitted_at(gate, 5, 1, gate_t0 + 100ms) == 1u);
}

BOOST_AUTO_TEST_CASE(tokens_are_limited_by_cost_after_requests) {
    rate_gate gate(6000, 600, 1000ms); // 100 requests and 10 tokens a second
    BOOST_TEST(admitted_at(gate, 1, 6, gate_t0) == 1u);
    const quota_admission refused = gate.admit(6, gate_t0);
    BOOST_TEST((refused.verdict == quota_verdict::tokens_exceeded));
    // 12 tokens booked for 10 of burst: 200 ms until 6 more fit.
    BOOST_TEST(refused.retry_after.count() == std::chrono::nanoseconds(200ms).count());
    BOOST_TEST(admitted_at(gate, 1, 4, gate_t0) == 1u); // a cheaper one still fits
    BOOST_TEST(admitted_at(gate, 1, 1, gate_t0) == 0u);
}

BOOST_AUTO_TEST_CASE(a_request_costlier_than_the_burst_goes_when_idle) {
    rate_gate gate(0, 600, 1000ms);                      // 10 tokens a second
    BOOST_TEST(admitted_at(gate, 1, 50, gate_t0) == 1u); // 5 s worth
    const quota_admission refused = gate.admit(1, gate_t0 + 1s);
    BOOST_TEST((refused.verdict == quota_verdict::tokens_exceeded));
    // A 1-token request fits once the booked 5 s lie at most the 1 s burst ahead (less 100 ms).
    BOOST_TEST(refused.retry_after.count() == std::chrono::nanoseconds(3100ms).count());
    BOOST_TEST(admitted_at(gate, 1, 50, gate_t0 + 4999ms) == 0u);
    BOOST_TEST(admitted_at(gate, 1, 50, gate_t0 + 5s) == 1u);
}

BOOST_AUTO_TEST_CASE(the_requests_limit_is_reported_first) {
    rate_gate gate(60, 60, 1000ms);
    BOOST_TEST(admitted_at(gate, 1, 1, gate_t0) == 1u);
    const quota_admission refused = gate.admit(1, gate_t0);
    BOOST_TEST((refused.verdict == quota_verdict::requests_exceeded));
}

BOOST_AUTO_TEST_SUITE_END()
