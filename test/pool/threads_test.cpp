// One client shared by coroutines on an io_context run by 4 threads (run it under TSan with the
// `tsan` preset): every call succeeds, the counters add up, and stats(), cancel() and the
// destructor may be called from any thread.
#include "pool/pool_support.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>

using namespace rerank;
using namespace rerank::test;
using namespace std::chrono_literals;
namespace net = boost::asio;
using ms = std::chrono::milliseconds;

namespace {

/// An io_context run by `n` threads, stopped and joined at the end whatever happens.
class threaded_io {
public:
    explicit threaded_io(int n)
        : ioc(n)
        , work_(net::make_work_guard(ioc)) {
        for (int i = 0; i < n; ++i)
            threads_.emplace_back([this] {
                ioc.run();
                ++finished_;
            });
    }
    ~threaded_io() {
        ioc.stop();
        for (auto& t : threads_)
            t.join();
    }
    /// Lets the threads return once the io_context runs out of work; true when they all did
    /// within `limit` (nothing was left behind).
    bool drain(ms limit) {
        work_.reset();
        const auto give_up = steady::now() + limit;
        while (finished_ < int(threads_.size()) && steady::now() < give_up)
            std::this_thread::sleep_for(5ms);
        return finished_ == int(threads_.size());
    }

    net::io_context ioc;

private:
    net::executor_work_guard<net::io_context::executor_type> work_;
    std::vector<std::thread> threads_;
    std::atomic<int> finished_{0};
};

/// Waits on this thread until `done()` or `limit`; true when done.
bool wait_here(std::function<bool()> done, ms limit) {
    const auto give_up = steady::now() + limit;
    while (!done() && steady::now() < give_up)
        std::this_thread::sleep_for(2ms);
    return done();
}

} // namespace

BOOST_AUTO_TEST_SUITE(threads)

BOOST_AUTO_TEST_CASE(one_client_shared_by_coroutines_on_four_threads) {
    constexpr int workers = 50, calls_per_worker = 40; // 2,000 calls
    emulator::options server_opts = tls_emulator_options();
    server_opts.threads = 2;
    emulator::server server(server_opts);
    server.start();

    threaded_io io(4);
    client_options opts = client_options_for(server);
    opts.pool.max_connections = 16;
    opts.timeout = 120s;
    auto c = std::make_unique<client>(io.ioc.get_executor(), opts);

    std::atomic<int> succeeded{0}, failed{0}, workers_done{0};
    std::atomic<bool> stats_went_wrong{false};
    for (int w = 0; w < workers; ++w)
        net::co_spawn(
            io.ioc,
            [&]() -> net::awaitable<void> {
                const request req = sample_request();
                for (int i = 0; i < calls_per_worker; ++i) {
                    auto [ec, res] =
                        co_await c->async_rerank(req, net::as_tuple(net::use_awaitable));
                    (!ec && res.results.size() == req.documents.size() ? succeeded : failed)++;
                    // stats() from whichever thread runs this coroutine now.
                    if (c->stats().open > opts.pool.max_connections)
                        stats_went_wrong = true;
                }
                ++workers_done;
            },
            net::detached);

    const bool finished = wait_here([&] { return workers_done == workers; }, 150s);
    BOOST_TEST_REQUIRE(finished, workers_done << " of " << workers << " workers finished");
    BOOST_TEST(succeeded == workers * calls_per_worker);
    BOOST_TEST(failed == 0);
    BOOST_TEST(!stats_went_wrong);
    const pool_stats s = c->stats();
    BOOST_TEST(s.attempts == std::uint64_t(workers * calls_per_worker));
    BOOST_TEST(s.connections_created + s.connections_reused == s.attempts);
    BOOST_TEST(s.connections_created <= 16u);
    BOOST_TEST(s.in_use == 0u);
    BOOST_TEST(s.waiting == 0u);
    BOOST_TEST(server.stats().max_connections_open <= 16u);

    c.reset(); // from the main thread, while four threads run the io_context
    BOOST_TEST(io.drain(10s), "work was left on the io_context after the client was destroyed");
}

BOOST_AUTO_TEST_CASE(cancel_from_another_thread_while_calls_run_on_four) {
    emulator::options server_opts = tls_emulator_options();
    emulator::server server(server_opts);
    server.start();
    fault_script script;
    script.reset({}, emulator::fault::stall());
    server.set_fault_hook(script.hook());

    threaded_io io(4);
    client_options opts = client_options_for(server);
    opts.pool.max_connections = 8;
    auto c = std::make_unique<client>(io.ioc.get_executor(), opts);
    constexpr int calls = 64;
    std::atomic<int> cancelled{0}, other{0};
    const request req = sample_request();
    for (int i = 0; i < calls; ++i)
        net::co_spawn(
            io.ioc,
            [&]() -> net::awaitable<void> {
                auto [ec, res] = co_await c->async_rerank(req, net::as_tuple(net::use_awaitable));
                (ec == errc::cancelled ? cancelled : other)++;
            },
            net::detached);
    BOOST_TEST_REQUIRE(
        wait_here([&] { return script.count() == 8 && c->stats().waiting == 56; }, 20s));
    c->cancel(); // from the main thread
    BOOST_TEST_REQUIRE(wait_here([&] { return cancelled + other == calls; }, 5s));
    BOOST_TEST(cancelled == calls);
    BOOST_TEST(c->stats().in_use == 0u);
    BOOST_TEST(c->stats().open == 0u);

    // Still usable, still from four threads.
    script.reset({});
    std::atomic<int> ok{0};
    for (int i = 0; i < 16; ++i)
        net::co_spawn(
            io.ioc,
            [&]() -> net::awaitable<void> {
                auto [ec, res] = co_await c->async_rerank(req, net::as_tuple(net::use_awaitable));
                if (!ec)
                    ++ok;
            },
            net::detached);
    BOOST_TEST(wait_here([&] { return ok == 16; }, 20s));
    c.reset();
    BOOST_TEST(io.drain(10s));
}

BOOST_AUTO_TEST_SUITE_END()
