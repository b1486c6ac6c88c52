// The adaptive rate on a fake clock: its arithmetic, and a simulated job against a server that
// throttles like DashScope (GCRA at 12 requests/s, a one-second burst).
#include "quota/adaptive_rate.hpp"
#include "quota/local_quota_store.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <deque>
#include <queue>
#include <vector>

using namespace rerank::detail;

namespace {

constexpr std::int64_t ms = 1000;
constexpr std::int64_t s = 1'000'000;

adaptive_rate_config unconfigured(unsigned in_flight = 8) {
    adaptive_rate_config c;
    c.max_in_flight = in_flight;
    return c;
}

} // namespace

BOOST_AUTO_TEST_SUITE(adaptive_rate_tests)

BOOST_AUTO_TEST_CASE(recent_rate_counts_the_last_second_only) {
    recent_rate r;
    r.add(10 * s, 3);
    r.add(10 * s + 450 * ms, 2);
    BOOST_TEST(r.last_second(10 * s + 500 * ms) == 5);
    // The first bucket (10.0-10.1 s) leaves the window at 11.0 s, the second at 11.5 s.
    BOOST_TEST(r.last_second(11 * s + 50 * ms) == 2);
    BOOST_TEST(r.last_second(11 * s + 500 * ms) == 0);
    r.add(30 * s, 1); // after a long pause, old buckets are gone
    BOOST_TEST(r.last_second(30 * s) == 1);
}

BOOST_AUTO_TEST_CASE(unconfigured_and_unthrottled_is_unpaced) {
    adaptive_rate a(unconfigured());
    BOOST_TEST(!a.paced());
    BOOST_TEST(a.in_flight_limit() == 8u);
    a.on_success(1 * s, 100);
    BOOST_TEST(!a.paced());
    BOOST_TEST(a.rates().requests.unlimited());
}

BOOST_AUTO_TEST_CASE(a_throttle_cuts_to_90_percent_of_what_was_accepted) {
    adaptive_rate a(unconfigured());
    for (int i = 0; i < 12; ++i)
        a.on_success(1 * s + i * ms, 10);
    BOOST_TEST(a.on_throttled(1 * s + 20 * ms, 1 * s + 15 * ms, throttle_kind::requests));
    BOOST_TEST(a.paced());
    BOOST_TEST(a.requests_per_second() == 12 * 0.9, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(a.in_flight_limit() == 4u);
    // Paced evenly after a cut: the burst is one interval.
    BOOST_TEST(a.rates().requests.burst_us == 92'593);
    BOOST_TEST(a.rates().tokens.unlimited());
}

BOOST_AUTO_TEST_CASE(answers_to_requests_sent_before_a_cut_do_not_cut_again) {
    adaptive_rate a(unconfigured());
    for (int i = 0; i < 10; ++i)
        a.on_success(2 * s, 1);
    BOOST_TEST(a.on_throttled(2 * s + 10 * ms, 2 * s + 5 * ms, throttle_kind::requests));
    const double after_first = a.requests_per_second();
    BOOST_TEST(!a.on_throttled(2 * s + 12 * ms, 2 * s + 6 * ms, throttle_kind::requests));
    BOOST_TEST(a.requests_per_second() == after_first);
    BOOST_TEST(a.in_flight_limit() == 4u);
    // A request sent after the cut and throttled is a new event.
    BOOST_TEST(a.on_throttled(2 * s + 300 * ms, 2 * s + 200 * ms, throttle_kind::requests));
    BOOST_TEST(a.requests_per_second() < after_first);
    BOOST_TEST(a.in_flight_limit() == 2u);
}

BOOST_AUTO_TEST_CASE(nothing_accepted_halves_and_the_floors_hold) {
    adaptive_rate_config c = unconfigured(1);
    c.requests_per_second = 4;
    adaptive_rate a(c);
    std::int64_t t = 5 * s;
    BOOST_TEST(a.on_throttled(t, t, throttle_kind::requests));
    BOOST_TEST(a.requests_per_second() == 2);
    for (int i = 0; i < 20; ++i) {
        t += s;
        a.on_throttled(t, t, throttle_kind::requests);
    }
    BOOST_TEST(a.requests_per_second() == adaptive_rate::min_requests_per_second);
    BOOST_TEST(a.in_flight_limit() == 1u);
}

BOOST_AUTO_TEST_CASE(successes_raise_back_to_the_configured_limit_and_no_further) {
    adaptive_rate_config c = unconfigured(4);
    c.requests_per_second = 10;
    c.tokens_per_second = 1000;
    adaptive_rate a(c);
    BOOST_TEST(a.rates().requests.burst_us == s); // the configured burst until a cut
    for (int i = 0; i < 10; ++i)
        a.on_success(1 * s + i * 10 * ms, 50);
    a.on_throttled(1 * s + 200 * ms, 1 * s + 150 * ms, throttle_kind::requests);
    BOOST_TEST(a.requests_per_second() == 9, boost::test_tools::tolerance(1e-9));
    std::int64_t t = 2 * s;
    for (int i = 0; i < 19; ++i)
        a.on_success(t += 100 * ms, 50);
    BOOST_TEST(a.requests_per_second() == 9.95, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(a.requests_per_second() < 10);
    for (int i = 0; i < 100; ++i)
        a.on_success(t += 100 * ms, 50);
    BOOST_TEST(a.requests_per_second() == 10);
    BOOST_TEST(a.rates().requests.burst_us == s); // back to the configured burst
    BOOST_TEST(a.in_flight_limit() == 4u);
}

BOOST_AUTO_TEST_CASE(a_token_throttle_cuts_the_token_rate) {
    adaptive_rate_config c = unconfigured(4);
    c.tokens_per_second = 10'000;
    adaptive_rate a(c);
    for (int i = 0; i < 5; ++i)
        a.on_success(1 * s, 1000);
    BOOST_TEST(a.on_throttled(1 * s + 50 * ms, 1 * s + 10 * ms, throttle_kind::tokens));
    BOOST_TEST(a.rates().tokens.units_per_second == 4500, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(a.rates().requests.unlimited());
}

BOOST_AUTO_TEST_CASE(remote_throttles_cut_at_most_once_a_second) {
    adaptive_rate a(unconfigured());
    for (int i = 0; i < 20; ++i)
        a.on_success(1 * s, 1);
    BOOST_TEST(a.on_remote_throttle(1 * s + 10 * ms));
    BOOST_TEST(!a.on_remote_throttle(1 * s + 500 * ms));
    BOOST_TEST(a.on_remote_throttle(2 * s + 20 * ms));
}

BOOST_AUTO_TEST_CASE(not_adaptive_keeps_the_configured_rate) {
    adaptive_rate_config c = unconfigured();
    c.requests_per_second = 5;
    c.adaptive = false;
    adaptive_rate a(c);
    BOOST_TEST(!a.on_throttled(1 * s, 1 * s, throttle_kind::requests));
    BOOST_TEST(a.requests_per_second() == 5);
    BOOST_TEST(a.in_flight_limit() == 8u);
}

// A job of `requests` requests, `workers` at a time, against a server that accepts
// `server_rps` per second with a one-second burst (GCRA, as the emulator and DashScope's
// per-second enforcement). The client admits each attempt through the adaptive rate and an
// in-process store, as the pacer does; a throttled request is sent again. Fake clock,
// 2 ms each way on the wire, 3 ms of server time.
struct simulated_job {
    int sent = 0;
    int throttled = 0;
    std::int64_t finished_us = 0;
};

simulated_job simulate(double server_rps, int requests, unsigned workers, double client_rps,
                       const char* quota_name) {
    adaptive_rate_config c;
    c.max_in_flight = workers;
    c.requests_per_second = client_rps;
    adaptive_rate pacer(c);
    local_quota_store store(quota_name);
    gcra_state server;
    const gcra_limit server_limit{server_rps, s};

    struct event {
        std::int64_t at;
        int kind; // 0: a worker is free to admit, 1: an answer arrives
        std::int64_t sent;
        bool ok;
        bool operator>(const event& o) const { return at > o.at; }
    };
    std::priority_queue<event, std::vector<event>, std::greater<>> events;
    simulated_job job;
    int remaining = requests; // requests not yet answered with success
    int queued = requests;    // requests waiting for a worker (retries go back here)
    unsigned in_flight = 0;
    const std::int64_t start = 100 * s;
    for (unsigned i = 0; i < workers; ++i)
        events.push({start, 0, 0, false});
    while (!events.empty() && remaining > 0) {
        const event e = events.top();
        events.pop();
        if (e.kind == 1) {
            --in_flight;
            if (e.ok) {
                --remaining;
                pacer.on_success(e.at, 0);
            } else {
                ++job.throttled;
                ++queued;
                pacer.on_throttled(e.at, e.sent, throttle_kind::requests);
            }
            events.push({e.at, 0, 0, false});
            continue;
        }
        if (queued == 0)
            continue; // this worker has nothing left to send
        if (in_flight >= pacer.in_flight_limit()) {
            events.push({e.at + 1 * ms, 0, 0, false}); // wait for the limit (FIFO enough here)
            continue;
        }
        --queued;
        ++in_flight;
        std::int64_t send_at = e.at;
        if (pacer.paced())
            send_at +=
                store.reserve_at({1, 0}, pacer.rates(), std::chrono::microseconds::max(), e.at)
                    .wait.count();
        ++job.sent;
        const std::int64_t arrives = send_at + 2 * ms;
        const bool ok = gcra_earliest(server, server_limit, 1, arrives) == arrives;
        if (ok)
            gcra_book(server, server_limit, 1, arrives);
        events.push({arrives + 5 * ms, 1, send_at, ok});
        job.finished_us = arrives + 5 * ms - start;
    }
    BOOST_TEST_REQUIRE(remaining == 0);
    return job;
}

BOOST_AUTO_TEST_CASE(an_unconfigured_job_finds_the_servers_rate) {
    // The case: 100 sub-requests, 8 at a time, a server at 12 requests/s.
    const simulated_job job = simulate(12, 100, 8, 0, "adaptive_test.unconfigured");
    BOOST_TEST_MESSAGE("sent " << job.sent << ", throttled " << job.throttled << ", in "
                               << job.finished_us / ms << " ms");
    BOOST_TEST(job.throttled * 100 <= job.sent * 15);
    // Near the server's rate: 100 requests less its 12-request burst at 12/s is 7.3 s.
    BOOST_TEST(job.finished_us < 11 * s);
}

BOOST_AUTO_TEST_CASE(a_job_paced_under_the_servers_rate_is_never_throttled) {
    const simulated_job job = simulate(12, 100, 8, 12 * 0.9, "adaptive_test.configured");
    BOOST_TEST(job.throttled == 0);
    BOOST_TEST(job.sent == 100);
}

BOOST_AUTO_TEST_SUITE_END()
