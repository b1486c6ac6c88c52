#include "load_runner.hpp"

#include "process_cpu.hpp"
#include "progress_line.hpp"
#include "workload.hpp"

#include <rerank/client.hpp>
#include <rerank/error.hpp>
#include <rerank/score_cache.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <memory>
#include <optional>
#include <thread>

namespace rerank::bench {

namespace net = boost::asio;
using net::as_tuple;
using net::use_awaitable;
using clock = std::chrono::steady_clock;

rerank::client_options client_options_for(const bench_options& o) {
    rerank::client_options c;
    c.base_url = o.base_url;
    c.dialect = o.dialect;
    c.model = o.model;
    c.tls.ca_file = o.ca_file;
    if (o.api_key_env) // else the client reads the dialect's variables
        c.api_key = rerank::api_key_from_environment(o.api_key_env->c_str());
    c.allow_insecure_http = o.allow_insecure_http;
    if (o.accept_gzip)
        c.accept_gzip = *o.accept_gzip;
    c.proxy = o.proxy;
    c.pool.max_connections = o.connections;
    c.retry.max_attempts = 1;
    c.rate_limit = o.rate_limit;
    if (o.cache_mb > 0) {
        rerank::cache_options cache;
        cache.max_bytes = o.cache_mb << 20;
        cache.max_entries =
            std::max<std::size_t>(1, cache.max_bytes / rerank::score_cache::entry_bytes);
        c.cache = std::make_shared<rerank::score_cache>(cache);
    }
    return c;
}

namespace {

// A duration as the histograms count it: whole nanoseconds, never negative.
template <class Rep, class Period>
std::uint64_t histogram_ns(std::chrono::duration<Rep, Period> d) {
    const auto n = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
    return n > 0 ? static_cast<std::uint64_t>(n) : 0;
}

enum class phase : int { warmup, measuring, done };

// What one worker counted. Only its own strand touches it, so no atomics.
struct tally {
    static constexpr std::size_t error_slots = 32; // rerank::errc values, 0 unused
    latency_histogram latency;
    latency_histogram admission_wait;
    std::uint64_t throttled = 0;
    std::array<std::uint64_t, error_slots> errors{};
    std::uint64_t foreign_errors = 0;
    std::uint64_t requests = 0;
    std::uint64_t succeeded = 0;
    std::uint64_t documents = 0;
    std::uint64_t tokens = 0;
    std::uint64_t http_requests = 0;
    std::uint64_t documents_sent = 0;
    std::uint64_t documents_cached = 0;
};

struct worker {
    explicit worker(net::io_context& ioc)
        : strand(net::make_strand(ioc))
        , timer(strand) {}
    net::strand<net::io_context::executor_type> strand;
    net::steady_timer timer;  // open loop: waits for the next scheduled start
    rerank::diagnostics diag; // of the worker's current call
    rerank::request own;      // --repeat-fraction: the worker's current request
    tally counts;
};

// Completion of the run's coroutines: a failure (bad_alloc...) ends ioc.run() with it.
constexpr auto rethrow = [](std::exception_ptr e) {
    if (e)
        std::rethrow_exception(e);
};

class load_run {
public:
    load_run(const bench_options& o, const rerank::client_options& client_opts,
             const rerank::request& req)
        : o_(o)
        , req_(req)
        , ioc_(static_cast<int>(o.threads))
        , control_(net::make_strand(ioc_))
        , clock_timer_(control_)
        , progress_timer_(control_)
        , client_(std::in_place, ioc_.get_executor(), client_opts) {
        if (o.repeat_fraction)
            workload_.emplace(o.documents, o.doc_bytes, o.query_bytes, o.top_n, *o.repeat_fraction,
                              o.seed);
        workers_.reserve(o.concurrency);
        for (std::size_t i = 0; i < o.concurrency; ++i)
            workers_.push_back(std::make_unique<worker>(ioc_));
        workers_left_ = o.concurrency;
    }

    load_result run() {
        run_start_ = clock::now();
        if (o_.warmup_s <= 0)
            begin_window();
        net::co_spawn(control_, clock_task(), rethrow);
        if (::isatty(STDERR_FILENO))
            net::co_spawn(control_, progress_task(), rethrow);
        for (auto& w : workers_)
            net::co_spawn(w->strand, o_.rate ? open_worker(*w) : closed_worker(*w), rethrow);

        std::vector<std::thread> extra;
        for (unsigned i = 1; i < o_.threads; ++i)
            extra.emplace_back([this] { ioc_.run(); });
        ioc_.run();
        for (auto& t : extra)
            t.join();
        return collect();
    }

private:
    phase current() const noexcept { return phase_.load(std::memory_order_acquire); }

    void begin_window() {
        window_begin_ = clock::now();
        cpu_begin_ = process_cpu_time();
        phase_.store(phase::measuring, std::memory_order_release);
    }

    // Closes the window once (whoever comes first: the duration's timer or the N-th call).
    void end_window() {
        phase expected = phase::measuring;
        if (!phase_.compare_exchange_strong(expected, phase::done))
            return;
        cpu_end_ = process_cpu_time();
        window_end_ = clock::now();
        client_->cancel();
        net::post(control_, [this] {
            clock_timer_.cancel();
            progress_timer_.cancel();
        });
        // A worker waiting for a scheduled start far ahead (low --rate) must not hold the exit.
        for (auto& w : workers_)
            net::post(w->strand, [w = w.get()] { w->timer.cancel(); });
    }

    net::awaitable<void> clock_task() {
        if (o_.warmup_s > 0) {
            clock_timer_.expires_at(run_start_ + seconds(o_.warmup_s));
            co_await clock_timer_.async_wait(as_tuple(use_awaitable));
            begin_window();
        }
        if (o_.duration_s) {
            clock_timer_.expires_at(window_begin_ + seconds(*o_.duration_s));
            co_await clock_timer_.async_wait(as_tuple(use_awaitable));
            end_window();
        }
    }

    net::awaitable<void> progress_task() {
        progress_line line;
        for (;;) {
            progress_timer_.expires_after(std::chrono::seconds(1));
            auto [ec] = co_await progress_timer_.async_wait(as_tuple(use_awaitable));
            if (ec || current() == phase::done)
                break;
            line.show(current() == phase::warmup, completed_.load(std::memory_order_relaxed),
                      failed_.load(std::memory_order_relaxed));
        }
        line.clear();
    }

    // The request of the worker's next call: the one request, or the next of the workload.
    const rerank::request& next_request(worker& w) {
        if (!workload_)
            return req_;
        workload_->fill(next_call_.fetch_add(1, std::memory_order_relaxed), w.own);
        return w.own;
    }

    // Closed loop: call again as soon as the last call completed.
    net::awaitable<void> closed_worker(worker& w) {
        while (current() != phase::done) {
            const rerank::request& req = next_request(w);
            const auto start = clock::now();
            auto [ec, res] = co_await client_->async_rerank(req, w.diag, as_tuple(use_awaitable));
            record(w.counts, req, ec, res, w.diag, start);
        }
        worker_finished();
    }

    // Open loop: take the next slot of the schedule, wait for its time if it is still ahead,
    // call, and measure from the scheduled time, so a call that starts late (every worker
    // was busy) carries its wait in its latency instead of hiding it.
    net::awaitable<void> open_worker(worker& w) {
        const double interval_ns = 1e9 / *o_.rate;
        while (current() != phase::done) {
            const auto slot = next_slot_.fetch_add(1, std::memory_order_relaxed);
            const auto scheduled =
                run_start_ + std::chrono::nanoseconds(std::llround(interval_ns * slot));
            if (scheduled > clock::now()) {
                w.timer.expires_at(scheduled);
                co_await w.timer.async_wait(as_tuple(use_awaitable));
                if (current() == phase::done)
                    break;
            }
            const rerank::request& req = next_request(w);
            auto [ec, res] = co_await client_->async_rerank(req, w.diag, as_tuple(use_awaitable));
            record(w.counts, req, ec, res, w.diag, scheduled);
        }
        worker_finished();
    }

    void record(tally& t, const rerank::request& req, const error_code& ec,
                const rerank::response& res, const rerank::diagnostics& diag,
                clock::time_point from) {
        const auto now = clock::now();
        completed_.fetch_add(1, std::memory_order_relaxed);
        if (ec)
            failed_.fetch_add(1, std::memory_order_relaxed);
        if (current() != phase::measuring)
            return;
        std::uint64_t position = 0;
        if (o_.requests) {
            position = counted_.fetch_add(1, std::memory_order_relaxed);
            if (position >= *o_.requests)
                return; // completed after the N-th: outside the window
        }
        ++t.requests;
        t.throttled += diag.throttled;
        t.admission_wait.record(histogram_ns(diag.admission_wait));
        if (!ec) {
            ++t.succeeded;
            t.documents += res.results.size();
            t.tokens += res.usage.total_tokens;
            t.http_requests += res.requests;
            t.documents_sent += req.documents.size() - res.cached;
            t.documents_cached += res.cached;
            t.latency.record(histogram_ns(now - from));
        } else if (ec.category() == rerank::error_category() && ec.value() > 0 &&
                   static_cast<std::size_t>(ec.value()) < tally::error_slots) {
            ++t.errors[static_cast<std::size_t>(ec.value())];
        } else {
            ++t.foreign_errors;
        }
        if (o_.requests && position + 1 == *o_.requests)
            end_window();
    }

    // The last worker out takes the pool's counters and lets the client go, so that its idle
    // connections and timers stop and the io_context runs out of work.
    void worker_finished() {
        if (workers_left_.fetch_sub(1) != 1)
            return;
        net::post(control_, [this] {
            pool_ = client_->stats();
            client_.reset();
        });
    }

    load_result collect() {
        load_result r;
        std::array<std::uint64_t, tally::error_slots> errors{};
        std::uint64_t foreign = 0;
        for (const auto& w : workers_) {
            const tally& t = w->counts;
            r.requests += t.requests;
            r.succeeded += t.succeeded;
            r.documents += t.documents;
            r.tokens += t.tokens;
            r.http_requests += t.http_requests;
            r.documents_sent += t.documents_sent;
            r.documents_cached += t.documents_cached;
            r.latency.merge(t.latency);
            r.admission_wait.merge(t.admission_wait);
            r.throttled += t.throttled;
            for (std::size_t i = 0; i < errors.size(); ++i)
                errors[i] += t.errors[i];
            foreign += t.foreign_errors;
        }
        for (std::size_t i = 0; i < errors.size(); ++i)
            if (errors[i] > 0)
                r.errors[rerank::to_string(static_cast<rerank::errc>(i))] = errors[i];
        if (foreign > 0)
            r.errors["other"] = foreign;
        r.duration_s = std::chrono::duration<double>(window_end_ - window_begin_).count();
        r.cpu_s = std::chrono::duration<double>(cpu_end_ - cpu_begin_).count();
        r.pool = pool_;
        return r;
    }

    static clock::duration seconds(double s) {
        return std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(s));
    }

    const bench_options& o_;
    const rerank::request& req_;
    net::io_context ioc_;
    net::strand<net::io_context::executor_type> control_;
    net::steady_timer clock_timer_;
    net::steady_timer progress_timer_;
    std::optional<rerank::client> client_;
    std::vector<std::unique_ptr<worker>> workers_;
    std::optional<repeating_workload> workload_;
    std::atomic<std::uint64_t> next_call_{0}; // --repeat-fraction: the next call's number

    std::atomic<phase> phase_{phase::warmup};
    std::atomic<std::size_t> workers_left_{0};
    std::atomic<std::uint64_t> counted_{0};   // --requests: calls completed in the window
    std::atomic<std::uint64_t> next_slot_{0}; // --rate: the next slot of the schedule
    std::atomic<std::uint64_t> completed_{0}; // progress line: every call, warm-up included
    std::atomic<std::uint64_t> failed_{0};

    clock::time_point run_start_;
    clock::time_point window_begin_;
    clock::time_point window_end_;
    std::chrono::microseconds cpu_begin_{0};
    std::chrono::microseconds cpu_end_{0};
    rerank::pool_stats pool_;
};

} // namespace

load_result run_load(const bench_options& o, const rerank::client_options& client_opts,
                     const rerank::request& req) {
    load_run run(o, client_opts, req);
    return run.run();
}

} // namespace rerank::bench
