// Helpers of the pool, retry and cancellation tests: options with quick backoffs, bounded waits,
// servers that never answer, request timestamps.
#pragma once

#include "integration/call_helpers.hpp"
#include "support/emulator_fixture.hpp"
#include "support/io_fixture.hpp"

#include <rerank/client.hpp>
#include <rerank/emulator/emulator.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace rerank::test {

using steady = std::chrono::steady_clock;

/// Client options for `server` with quick retries: 20 ms initial backoff, `max_backoff` 5 s
/// (room for the Retry-After tests), 4 attempts, a 20 s deadline.
inline client_options quick_retry_options(const emulator::server& server) {
    client_options opts = client_options_for(server);
    opts.retry.initial_backoff = std::chrono::milliseconds(20);
    opts.retry.max_backoff = std::chrono::seconds(5);
    return opts;
}

/// Client options for a server at `url` (one that never answers, typically): the emulator's
/// key, the test CA, quick retries.
inline client_options options_for_url(const std::string& url) {
    client_options opts;
    opts.base_url = url;
    opts.api_key = "emulator-key";
    opts.tls.ca_file = cert_path("ca.pem");
    opts.tls.use_system_trust_store = false;
    opts.retry.initial_backoff = std::chrono::milliseconds(20);
    return opts;
}

/// Checks that nothing is left open, in use, idle or waiting.
inline void expect_pool_empty(const client& c) {
    const pool_stats s = c.stats();
    BOOST_TEST(s.open == 0u);
    BOOST_TEST(s.in_use == 0u);
    BOOST_TEST(s.idle == 0u);
    BOOST_TEST(s.waiting == 0u);
}

/// A request of about `megabytes` MB: far more than loopback socket buffers hold.
inline request large_request(std::size_t megabytes) {
    request req;
    req.query = "what fills a socket buffer?";
    for (std::size_t i = 0; i < megabytes; ++i)
        req.documents.emplace_back(std::size_t(1) << 20, static_cast<char>('a' + i % 26));
    return req;
}

/// Waits (polling every 2 ms) until `done()` or `limit` passed; returns `done()`.
inline boost::asio::awaitable<bool> wait_until(std::function<bool()> done,
                                               std::chrono::milliseconds limit) {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    const auto give_up = steady::now() + limit;
    while (!done() && steady::now() < give_up) {
        timer.expires_after(std::chrono::milliseconds(2));
        co_await timer.async_wait(boost::asio::use_awaitable);
    }
    co_return done();
}

/// Milliseconds since `start`, for messages and bounds.
inline std::chrono::milliseconds since(steady::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - start);
}

/// A call running in the background, with its own cancellation signal. Not movable: the
/// handler refers to it.
struct background_call {
    request req = sample_request();
    diagnostics diag;
    error_code ec;
    bool done = false;
    steady::time_point finished{};
    boost::asio::cancellation_signal signal;

    background_call() = default;
    background_call(const background_call&) = delete;
    background_call& operator=(const background_call&) = delete;

    void start(client& c) {
        c.async_rerank(
            req, diag,
            boost::asio::bind_cancellation_slot(signal.slot(), [this](error_code e, response) {
                ec = e;
                done = true;
                finished = steady::now();
            }));
    }
};

/// A listening TCP socket on 127.0.0.1 that never accepts: the kernel completes TCP handshakes
/// into its queue and nobody ever reads or writes. A TLS client then hangs in its handshake,
/// a plain one in writing (once socket buffers fill) or reading.
/// With `backlog_full`, the queue is filled first, so that a further connect hangs in SYN_SENT
/// (Linux drops SYNs to a listener whose accept queue is full).
class silent_listener {
public:
    explicit silent_listener(boost::asio::io_context& ioc, bool backlog_full = false);
    unsigned short port() const { return acceptor_.local_endpoint().port(); }
    /// "https://127.0.0.1:PORT/compatible-api/v1" (or http).
    std::string base_url(bool tls) const;

private:
    boost::asio::ip::tcp::acceptor acceptor_;
    std::vector<boost::asio::ip::tcp::socket> fillers_;
};

/// When each request reached the emulator, in arrival order, and a script of faults: request
/// number `i` (from 0, counted from `reset()`) gets `faults[i]`, later ones `otherwise`.
/// Install with `server.set_fault_hook(script.hook())`. The hook shares the script's state, so
/// a request reaching the server's threads after the script is gone is still safe.
class fault_script {
public:
    void reset(std::vector<emulator::fault> faults,
               emulator::fault otherwise = emulator::fault::normal());
    emulator::fault_hook hook();
    std::vector<steady::time_point> arrivals() const;
    std::size_t count() const;

private:
    struct state {
        std::mutex mutex;
        std::vector<emulator::fault> faults;
        emulator::fault otherwise;
        std::vector<steady::time_point> arrivals;
    };
    std::shared_ptr<state> state_ = std::make_shared<state>();
};

} // namespace rerank::test
