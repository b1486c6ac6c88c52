// Runs a test's coroutine on a fresh io_context and fails the test if it hangs or leaves work;
// and the pause such coroutines take.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>

namespace rerank::test {

/// Every asynchronous test runs through `run()`: the coroutine must finish within `limit`
/// (nothing hangs), and once it has, the io_context must run out of work within a short grace
/// period (nothing leaks: no timer, socket or handler left behind).
struct io_fixture {
    boost::asio::io_context ioc;

    void run(std::function<boost::asio::awaitable<void>()> body,
             std::chrono::milliseconds limit = std::chrono::seconds(60));
};

/// Waits `d` on a steady timer of the calling coroutine's executor (throws when cancelled).
boost::asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration d);

} // namespace rerank::test
