// What a call pays the connection pool: checking out a warm keep-alive connection and giving it
// back (the LIFO idle list and the check for a closed or unasked-for-bytes connection made at
// every reuse included), alone and with more calls than connections (the hand-over to the call
// first in line); and that check alone (idle_check).
//   bench_pool      (CPU time per checkout + return)
// The connections are real (plain HTTP to the in-process emulator; TLS changes nothing here
// once connected), each warmed by one exchange so that the pool keeps it.
#include "http/call_control.hpp"
#include "http/connection_pool.hpp"
#include "http/endpoint.hpp"
#include "http/pool_counters.hpp"

#include <rerank/emulator/server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <benchmark/benchmark.h>

#include <chrono>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace net = boost::asio;
namespace rd = rerank::detail;
using clock_type = std::chrono::steady_clock;

rerank::emulator::server& emulator() {
    static const std::unique_ptr<rerank::emulator::server> server = [] {
        auto s = std::make_unique<rerank::emulator::server>(rerank::emulator::options{});
        s->start();
        return s;
    }();
    return *server;
}

clock_type::time_point far_deadline() {
    return clock_type::now() + std::chrono::hours(1);
}

// A pool of `connections` to the emulator, all open, idle and reusable.
class warm_pool {
public:
    explicit warm_pool(std::size_t connections)
        : connections_(connections) {
        rerank::diagnostics diag;
        if (rd::parse_endpoint(emulator().base_url(), target_, diag))
            throw std::runtime_error("bad emulator URL: " + diag.to_string());
        rerank::pool_options opts;
        opts.max_connections = connections;
        pool_ = std::make_shared<rd::connection_pool>(strand, target_, std::nullopt, nullptr, opts,
                                                      counters_);
        run([this]() -> net::awaitable<void> { co_await open_all(); });
    }

    rd::connection_pool& pool() { return *pool_; }

    /// Runs `body` on the strand to completion; rethrows what it throws.
    template <class Body>
    void run(Body body) {
        std::exception_ptr failure;
        net::co_spawn(strand, body(), [&](std::exception_ptr e) { failure = e; });
        ioc.restart();
        ioc.run();
        if (failure)
            std::rethrow_exception(failure);
    }

    net::io_context ioc;
    net::any_io_executor strand = net::make_strand(ioc.get_executor());

private:
    // Holds every connection at once (so each is a new one), carries one exchange on each
    // (a connection is reusable only after a complete keep-alive response), gives them back.
    net::awaitable<void> open_all() {
        const std::string wire = "GET /warm-up HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        rd::call_control control;
        rerank::diagnostics diag;
        std::vector<std::unique_ptr<rd::connection>> held;
        for (std::size_t i = 0; i != connections_; ++i) {
            auto got = co_await pool_->acquire(control, far_deadline(), diag);
            if (got.ec)
                throw std::runtime_error("connect failed: " + diag.to_string());
            if (co_await got.conn->exchange(wire, 1 << 20, diag) || !got.conn->reusable())
                throw std::runtime_error("warm-up exchange failed: " + diag.to_string());
            held.push_back(std::move(got.conn));
        }
        for (auto& conn : held)
            pool_->release(std::move(conn));
    }

    std::size_t connections_;
    rd::endpoint target_;
    rd::pool_counters counters_;
    std::shared_ptr<rd::connection_pool> pool_;
};

// One call at a time: acquire an idle connection, give it back.
void checkout_return(benchmark::State& state) {
    warm_pool w(static_cast<std::size_t>(state.range(0)));
    w.run([&]() -> net::awaitable<void> {
        rd::call_control control;
        rerank::diagnostics diag;
        const auto deadline = far_deadline();
        for (auto _ : state) {
            auto got = co_await w.pool().acquire(control, deadline, diag);
            if (got.ec || got.conn->exchanges == 0)
                throw std::runtime_error("checkout failed: " + diag.to_string());
            w.pool().release(std::move(got.conn));
        }
    });
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(checkout_return)->Arg(1)->Arg(64)->ArgName("connections");

// The look taken at every reuse (connection::peer_closed: one non-blocking peek on a quiet
// plain connection), alone: the part of checkout_return that keeps a forged answer out.
void idle_check(benchmark::State& state) {
    warm_pool w(1);
    w.run([&]() -> net::awaitable<void> {
        rd::call_control control;
        rerank::diagnostics diag;
        auto got = co_await w.pool().acquire(control, far_deadline(), diag);
        if (got.ec)
            throw std::runtime_error("checkout failed: " + diag.to_string());
        for (auto _ : state) {
            if (got.conn->peer_closed())
                throw std::runtime_error("a quiet connection looked closed");
        }
        w.pool().release(std::move(got.conn));
    });
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(idle_check);

// `calls` coroutines share 8 connections: each checks one out, yields once (standing for the
// exchange), and gives it back, so most checkouts wait in line and are handed a connection.
void contended_checkout_return(benchmark::State& state) {
    constexpr std::size_t connections = 8;
    constexpr int rounds = 100; // checkouts per call per iteration
    const auto calls = static_cast<int>(state.range(0));
    warm_pool w(connections);
    for (auto _ : state) {
        int running = calls;
        w.run([&]() -> net::awaitable<void> {
            for (int c = 0; c != calls; ++c) {
                net::co_spawn(
                    w.strand,
                    [&]() -> net::awaitable<void> {
                        rd::call_control control;
                        rerank::diagnostics diag;
                        const auto deadline = far_deadline();
                        for (int r = 0; r != rounds; ++r) {
                            auto got = co_await w.pool().acquire(control, deadline, diag);
                            if (got.ec)
                                throw std::runtime_error("checkout failed: " + diag.to_string());
                            co_await net::post(w.strand, net::use_awaitable);
                            w.pool().release(std::move(got.conn));
                        }
                        --running;
                    },
                    [](std::exception_ptr e) {
                        if (e)
                            std::rethrow_exception(e);
                    });
            }
            co_return;
        });
        if (running != 0)
            state.SkipWithError("not every call finished");
    }
    state.SetItemsProcessed(state.iterations() * calls * rounds);
}
BENCHMARK(contended_checkout_return)->Arg(8)->Arg(64)->ArgName("calls");

} // namespace

BENCHMARK_MAIN();
