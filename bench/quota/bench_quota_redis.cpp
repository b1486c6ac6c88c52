// What sharing a quota through Redis costs: time per admission from one process, one at a time
// and pipelined with N in flight; and admissions per second one Redis sustains for P processes
// (copies of this program) each keeping N in flight on one quota. Target: >= 20,000/s for 8
// processes. Every admission books both limits (the rates are too high for anyone to wait).
//   bench_quota_redis --url redis://127.0.0.1:PORT [--processes 8] [--in-flight 32]
//                     [--seconds 5] [--sequential 20000]
// bench/quota/run_redis_bench.sh starts a redis-server of its own and runs this.
#include "quota/redis_quota_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {

namespace net = boost::asio;
namespace rd = rerank::detail;
using wall = std::chrono::system_clock; // shared by the processes: their windows line up
using steady = std::chrono::steady_clock;

const rd::quota_rates fast_rates{{1e7, 1'000'000}, {1e10, 1'000'000}};
constexpr rd::quota_cost one_request{1, 1500};
constexpr auto no_limit = std::chrono::microseconds::max();

struct bench_args {
    std::string url;
    int processes = 8;
    int in_flight = 32;
    double seconds = 5;
    int sequential = 20000;
    // Set in the copies this program starts: run one load, print "admitted local", exit.
    bool child = false;
    long long start_ms = 0; // wall-clock start of the measured window
    std::string quota = "bench-quota-redis";
};

bench_args parse_args(int argc, char** argv) {
    bench_args a;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                throw std::invalid_argument(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--url")
            a.url = value();
        else if (arg == "--processes")
            a.processes = std::stoi(value());
        else if (arg == "--in-flight")
            a.in_flight = std::stoi(value());
        else if (arg == "--seconds")
            a.seconds = std::stod(value());
        else if (arg == "--sequential")
            a.sequential = std::stoi(value());
        else if (arg == "--child")
            a.child = true;
        else if (arg == "--start-ms")
            a.start_ms = std::stoll(value());
        else if (arg == "--quota")
            a.quota = value();
        else
            throw std::invalid_argument("unknown argument " + arg);
    }
    if (a.url.empty())
        throw std::invalid_argument("--url redis://host:port is required");
    return a;
}

rerank::redis_quota_options store_options(const std::string& url) {
    rerank::redis_quota_options options;
    options.url = url;
    return options;
}

struct load_count {
    long long admitted = 0; // within the window
    long long local = 0;    // of which admitted by the local fallback (Redis did not answer)
};

// `in_flight` reservations at all times on one store, until `end`; counts those completed in
// [start, end).
load_count run_load(const bench_args& a, wall::time_point start, wall::time_point end) {
    net::io_context ioc(1);
    rd::redis_quota_store store(ioc.get_executor(), store_options(a.url), a.quota);
    load_count count;
    int running = a.in_flight;
    for (int i = 0; i < a.in_flight; ++i)
        net::co_spawn(
            ioc,
            [&]() -> net::awaitable<void> {
                while (wall::now() < end) {
                    const auto answer = co_await store.reserve(one_request, fast_rates, no_limit);
                    if (wall::now() >= start) {
                        ++count.admitted;
                        count.local += !answer.shared;
                    }
                }
                if (--running == 0)
                    store.close();
            },
            net::detached);
    ioc.run();
    return count;
}

// One at a time: the latency of one admission, percentiles in µs.
void run_sequential(const bench_args& a) {
    net::io_context ioc(1);
    rd::redis_quota_store store(ioc.get_executor(), store_options(a.url), a.quota + "-sequential");
    std::vector<double> us;
    long long local = 0;
    net::co_spawn(
        ioc,
        [&]() -> net::awaitable<void> {
            co_await store.reserve(one_request, fast_rates, no_limit); // connects
            for (int i = 0; i < a.sequential; ++i) {
                const auto t0 = steady::now();
                const auto answer = co_await store.reserve(one_request, fast_rates, no_limit);
                us.push_back(std::chrono::duration<double, std::micro>(steady::now() - t0).count());
                local += !answer.shared;
            }
            store.close();
        },
        net::detached);
    ioc.run();
    std::sort(us.begin(), us.end());
    double sum = 0;
    for (double u : us)
        sum += u;
    std::printf("sequential, 1 process:   %d admissions, %.1f us each (p50 %.1f us, p99 %.1f us)"
                ", %lld local\n",
                a.sequential, sum / us.size(), us[us.size() / 2], us[us.size() * 99 / 100], local);
}

void run_pipelined(const bench_args& a) {
    const auto start = wall::now() + std::chrono::milliseconds(300);
    const auto end = start + std::chrono::duration_cast<wall::duration>(
                                 std::chrono::duration<double>(a.seconds));
    const load_count count = run_load(a, start, end);
    const double per_second = count.admitted / a.seconds;
    std::printf("pipelined, 1 process, %d in flight: %.0f admissions/s, %.1f us each, %lld "
                "local\n",
                a.in_flight, per_second, 1e6 / per_second, count.local);
}

// Starts `a.processes` copies of this program with a common window and adds up their counts.
void run_processes(const bench_args& a, const char* self) {
    const auto start = wall::now() + std::chrono::seconds(1); // time to start and connect
    const long long start_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(start.time_since_epoch()).count();
    struct child {
        pid_t pid;
        int out;
    };
    std::vector<child> children;
    for (int i = 0; i < a.processes; ++i) {
        std::vector<std::string> args = {self,          "--child",
                                         "--url",       a.url,
                                         "--in-flight", std::to_string(a.in_flight),
                                         "--seconds",   std::to_string(a.seconds),
                                         "--start-ms",  std::to_string(start_ms),
                                         "--quota",     a.quota + "-shared"};
        std::vector<char*> argv;
        for (auto& s : args)
            argv.push_back(s.data());
        argv.push_back(nullptr);
        int pipe_fds[2];
        if (::pipe(pipe_fds) != 0)
            throw std::runtime_error("pipe failed");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
        posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
        pid_t pid = -1;
        const int rc = ::posix_spawn(&pid, self, &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(pipe_fds[1]);
        if (rc != 0)
            throw std::runtime_error("cannot start a copy of " + std::string(self));
        children.push_back({pid, pipe_fds[0]});
    }
    load_count total;
    bool all_reported = true;
    for (const auto& c : children) {
        std::string out;
        char buffer[256];
        ssize_t n;
        while ((n = ::read(c.out, buffer, sizeof buffer)) > 0)
            out.append(buffer, static_cast<std::size_t>(n));
        ::close(c.out);
        int status = 0;
        ::waitpid(c.pid, &status, 0);
        load_count count;
        all_reported = all_reported && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
                       std::sscanf(out.c_str(), "%lld %lld", &count.admitted, &count.local) == 2;
        total.admitted += count.admitted;
        total.local += count.local;
    }
    std::printf("%d processes x %d in flight, one quota: %.0f admissions/s, %lld local%s\n",
                a.processes, a.in_flight, total.admitted / a.seconds, total.local,
                all_reported ? "" : " (some processes failed)");
}

std::string machine() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line, model = "unknown CPU";
    while (std::getline(cpuinfo, line))
        if (line.rfind("model name", 0) == 0) {
            model = line.substr(line.find(':') + 2);
            break;
        }
    return std::to_string(std::thread::hardware_concurrency()) + " CPUs, " + model;
}

} // namespace

int main(int argc, char** argv) {
    try {
        const bench_args a = parse_args(argc, argv);
        if (a.child) {
            const wall::time_point start{std::chrono::milliseconds(a.start_ms)};
            const auto end = start + std::chrono::duration_cast<wall::duration>(
                                         std::chrono::duration<double>(a.seconds));
            const load_count count = run_load(a, start, end);
            std::printf("%lld %lld\n", count.admitted, count.local);
            return 0;
        }
        std::printf("machine: %s\n", machine().c_str());
        run_sequential(a);
        run_pipelined(a);
        run_processes(a, "/proc/self/exe");
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "bench_quota_redis: " << e.what() << "\n";
        return 2;
    }
}
