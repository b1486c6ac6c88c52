// The pool's rules without sockets: fake connections, a virtual clock, every step checked.
#include "http/pool_core.hpp"

#include <boost/test/unit_test.hpp>

#include <random>

using namespace rerank;
using namespace rerank::detail;
using namespace std::chrono_literals;

namespace {

struct fake_connection {
    explicit fake_connection(int id)
        : id(id) {}
    int id;
    bool open = true;
    bool keep_alive = true;
    bool closed_by_server = false;
    mutable int probes = 0;

    void close() { open = false; }
    bool is_open() const { return open; }
    bool reusable() const { return keep_alive; }
    bool peer_closed() const {
        ++probes;
        return closed_by_server;
    }
};

using core = pool_core<fake_connection>;
using checkout_kind = core::checkout::kind;
using waiter_outcome = core::waiter::outcome;

struct pool_fixture {
    pool_options options() {
        pool_options o;
        o.max_connections = 2;
        o.idle_timeout = 30s;
        return o;
    }
    pool_counters counters;
    core pool{options(), counters};
    core::clock::time_point now{};
    int next_id = 1;

    // A call checks out a connection, opening one when the core says so.
    std::unique_ptr<fake_connection> get() {
        auto c = pool.try_checkout(now);
        if (c.what == checkout_kind::reuse)
            return std::move(c.conn);
        BOOST_TEST_REQUIRE((c.what == checkout_kind::connect));
        pool.connected(true, false);
        return std::make_unique<fake_connection>(next_id++);
    }
    pool_stats stats() const { return counters.snapshot(); }
    void check_gauges(std::uint64_t open, std::uint64_t idle, std::uint64_t waiting) {
        const auto s = stats();
        BOOST_TEST(s.open == open);
        BOOST_TEST(s.idle == idle);
        BOOST_TEST(s.in_use == open - idle);
        BOOST_TEST(s.waiting == waiting);
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(pool_rules, pool_fixture)

BOOST_AUTO_TEST_CASE(opens_lazily_and_never_above_the_maximum) {
    check_gauges(0, 0, 0);
    auto a = get();
    auto b = get();
    check_gauges(2, 0, 0);
    BOOST_TEST((pool.try_checkout(now).what == checkout_kind::wait));
    BOOST_TEST(stats().connections_created == 2u);
    BOOST_TEST(stats().handshakes_full == 2u);
}

BOOST_AUTO_TEST_CASE(reuses_the_warmest_idle_connection_first) {
    auto a = get();
    auto b = get();
    BOOST_TEST(pool.release(std::move(a), now) == nullptr);
    now += 1ms;
    BOOST_TEST(pool.release(std::move(b), now) == nullptr);
    check_gauges(2, 2, 0);
    auto c = pool.try_checkout(now);
    BOOST_TEST_REQUIRE((c.what == checkout_kind::reuse));
    BOOST_TEST(c.conn->id == 2);
    BOOST_TEST(c.conn->probes == 1); // looked at before reuse, however briefly idle
    BOOST_TEST(stats().connections_reused == 1u);
    check_gauges(2, 1, 0);
}

BOOST_AUTO_TEST_CASE(waiting_calls_are_served_first_in_first_out) {
    auto a = get();
    auto b = get();
    core::waiter first, second;
    BOOST_TEST((pool.try_checkout(now).what == checkout_kind::wait));
    pool.enqueue(first);
    BOOST_TEST((pool.try_checkout(now).what == checkout_kind::wait));
    pool.enqueue(second);
    check_gauges(2, 0, 2);

    BOOST_TEST(pool.release(std::move(b), now) == &first);
    BOOST_TEST((first.state == waiter_outcome::handed_connection));
    BOOST_TEST(pool.take_handed(first)->id == 2);
    check_gauges(2, 0, 1);

    BOOST_TEST(pool.release(std::move(a), now) == &second);
    BOOST_TEST((second.state == waiter_outcome::handed_connection));
    check_gauges(2, 0, 0);
}

BOOST_AUTO_TEST_CASE(a_closed_connection_frees_its_slot_for_the_next_waiter) {
    auto a = get();
    auto b = get();
    core::waiter w;
    pool.try_checkout(now);
    pool.enqueue(w);
    a->keep_alive = false; // Connection: close, or an error
    BOOST_TEST(pool.release(std::move(a), now) == &w);
    BOOST_TEST((w.state == waiter_outcome::may_connect));
    check_gauges(2, 0, 0);                        // the slot is the waiter's now
    BOOST_TEST(pool.give_back_slot() == nullptr); // ...which it gives up (connect failed)
    check_gauges(1, 0, 0);
}

BOOST_AUTO_TEST_CASE(a_failed_connect_lets_the_next_waiter_try) {
    auto a = get();
    BOOST_TEST((pool.try_checkout(now).what == checkout_kind::connect)); // second slot, connecting
    core::waiter w;
    pool.try_checkout(now);
    pool.enqueue(w);
    BOOST_TEST(pool.give_back_slot() == &w);
    BOOST_TEST((w.state == waiter_outcome::may_connect));
    check_gauges(2, 0, 0);
}

BOOST_AUTO_TEST_CASE(a_call_that_leaves_the_line_is_not_served) {
    auto a = get();
    auto b = get();
    core::waiter gone, stays;
    pool.try_checkout(now);
    pool.enqueue(gone);
    pool.try_checkout(now);
    pool.enqueue(stays);
    pool.leave(gone); // its deadline passed, or it was cancelled
    check_gauges(2, 0, 1);
    BOOST_TEST(pool.release(std::move(a), now) == &stays);
    BOOST_TEST((gone.state == waiter_outcome::waiting));
    BOOST_TEST(pool.release(std::move(b), now) == nullptr);
    check_gauges(2, 1, 0);
}

BOOST_AUTO_TEST_CASE(idle_connections_expire) {
    auto a = get();
    pool.release(std::move(a), now);
    now += 30s; // idle_timeout
    auto c = pool.try_checkout(now);
    BOOST_TEST((c.what == checkout_kind::connect));
    BOOST_TEST(stats().closed_by_peer == 0u); // expired, not closed by the server
    check_gauges(1, 0, 0);
}

BOOST_AUTO_TEST_CASE(expired_connections_are_swept_when_one_comes_back) {
    auto a = get();
    auto b = get();
    pool.release(std::move(a), now);
    now += 31s;
    pool.release(std::move(b), now); // sweeps `a`, keeps `b`
    check_gauges(1, 1, 0);
}

// A connection closed by the server, or one the server sent bytes on unasked (a forged answer
// in waiting), is discarded at reuse however briefly it was idle: idle or handed to a waiter.
BOOST_AUTO_TEST_CASE(every_reuse_looks_for_an_unfit_connection) {
    auto a = get();
    a->closed_by_server = true;
    pool.release(std::move(a), now);
    now += 1ms;
    auto next = pool.try_checkout(now);
    BOOST_TEST((next.what == checkout_kind::connect)); // discarded, a new one instead
    BOOST_TEST(stats().closed_by_peer == 1u);
    BOOST_TEST(stats().connections_reused == 0u);
    check_gauges(1, 0, 0);

    pool.connected(true, false); // in the slot reserved above
    auto b = std::make_unique<fake_connection>(next_id++);
    auto c = get();
    core::waiter w;
    BOOST_TEST((pool.try_checkout(now).what == checkout_kind::wait));
    pool.enqueue(w);
    BOOST_TEST(pool.release(std::move(b), now) == &w);
    BOOST_TEST_REQUIRE((w.state == waiter_outcome::handed_connection));
    w.conn->closed_by_server = true; // bytes arrived between the release and the wake-up
    BOOST_TEST(pool.take_handed(w) == nullptr);
    BOOST_TEST(stats().closed_by_peer == 2u);
    check_gauges(2, 0, 0); // the waiter holds the slot: it connects in it
    pool.connected(true, false);
}

BOOST_AUTO_TEST_CASE(a_stale_connection_found_by_an_exchange_is_counted) {
    auto a = get();
    a->open = false;
    pool.release(std::move(a), now, true);
    BOOST_TEST(stats().closed_by_peer == 1u);
    check_gauges(0, 0, 0);
}

BOOST_AUTO_TEST_CASE(close_idle_closes_only_idle_ones) {
    auto a = get();
    auto b = get();
    pool.release(std::move(a), now);
    pool.close_idle();
    check_gauges(1, 0, 0);
    BOOST_TEST((pool.try_checkout(now).what == checkout_kind::connect));
}

// Random operations against a model: whatever happens, the gauges say exactly what the pool
// holds and no connection is ever lost or opened beyond the maximum.
BOOST_AUTO_TEST_CASE(gauges_follow_any_sequence_of_steps) {
    std::mt19937 rng(20261202);
    std::vector<std::unique_ptr<fake_connection>> in_use;
    std::vector<std::unique_ptr<core::waiter>> waiting;
    std::size_t connecting = 0;
    for (int step = 0; step < 20000; ++step) {
        now += std::chrono::milliseconds(rng() % 400);
        switch (rng() % 6) {
        case 0:
        case 1: { // a call wants a connection
            auto c = pool.try_checkout(now);
            if (c.what == checkout_kind::reuse)
                in_use.push_back(std::move(c.conn));
            else if (c.what == checkout_kind::connect)
                ++connecting;
            else {
                waiting.push_back(std::make_unique<core::waiter>());
                pool.enqueue(*waiting.back());
            }
            break;
        }
        case 2: // a connect finishes, or fails
            if (connecting != 0) {
                --connecting;
                if (rng() % 4 == 0) {
                    if (auto* w = pool.give_back_slot())
                        BOOST_TEST((w->state == waiter_outcome::may_connect));
                } else {
                    pool.connected(false, false);
                    in_use.push_back(std::make_unique<fake_connection>(next_id++));
                    in_use.back()->closed_by_server = rng() % 8 == 0;
                }
            }
            break;
        case 3: // an exchange ends
            if (!in_use.empty()) {
                auto conn = std::move(in_use.back());
                in_use.pop_back();
                conn->keep_alive = rng() % 5 != 0;
                pool.release(std::move(conn), now);
            }
            break;
        case 4: // a waiting call leaves the line
            if (!waiting.empty() && waiting.front()->state == waiter_outcome::waiting) {
                pool.leave(*waiting.front());
                waiting.erase(waiting.begin());
            }
            break;
        case 5: // woken waiters act on their outcome
            for (auto it = waiting.begin(); it != waiting.end();) {
                auto& w = **it;
                if (w.state == waiter_outcome::handed_connection) {
                    if (auto handed = pool.take_handed(w))
                        in_use.push_back(std::move(handed));
                    else
                        ++connecting; // it was unfit: a new one in its slot
                } else if (w.state == waiter_outcome::may_connect)
                    ++connecting;
                else {
                    ++it;
                    continue;
                }
                it = waiting.erase(it);
            }
            break;
        }
        const auto s = stats();
        std::size_t served_not_acted = 0;
        for (auto& w : waiting)
            served_not_acted += w->state != waiter_outcome::waiting ? 1 : 0;
        BOOST_TEST_REQUIRE(s.open == in_use.size() + s.idle + connecting + served_not_acted);
        BOOST_TEST_REQUIRE(s.open <= 2u);
        BOOST_TEST_REQUIRE(s.in_use == s.open - s.idle);
        BOOST_TEST_REQUIRE(s.waiting == waiting.size() - served_not_acted);
        BOOST_TEST_REQUIRE(pool.open() == s.open);
    }
}

BOOST_AUTO_TEST_SUITE_END()
