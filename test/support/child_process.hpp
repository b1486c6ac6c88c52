// Runs one of the project's programs as a child process, with hard time limits: the tests of
// the examples, of rerank-bench, of the rerank CLI and of rerank-emulator drive the real binaries.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace rerank::test {

/// A child started with posix_spawn, stdout and stderr piped back (and read while waiting, so
/// a chatty child never blocks on a full pipe). The destructor kills (SIGKILL) and reaps a
/// child still running: no test leaves a process behind.
class child_process {
public:
    /// Starts `argv[0]` with `argv`, the test's environment plus `env` ("NAME=value"; a name
    /// given here replaces the inherited one), and `input` as all of its stdin (never the test's
    /// own). Throws std::runtime_error if it cannot start.
    explicit child_process(std::vector<std::string> argv, std::vector<std::string> env = {},
                           const std::string& input = {});
    ~child_process();
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    /// The next line of stdout (without its newline), waiting at most `limit`; "" on timeout
    /// or end of output.
    std::string read_line(std::chrono::milliseconds limit);

    /// Waits at most `limit` for stderr to contain `text` (in everything it wrote so far).
    bool wait_for_stderr(const std::string& text, std::chrono::milliseconds limit);

    /// Sends `signal` to the child.
    void signal(int signal);

    struct outcome {
        /// The exit status, 128 + signal number when killed by one, -1 when it had to be
        /// killed because `limit` expired.
        int status = -1;
        std::string out; ///< stdout not yet consumed by read_line
        std::string err; ///< all of stderr
    };
    /// Waits at most `limit` for the child to exit (killing it if it does not) and returns
    /// its status and output.
    outcome wait(std::chrono::milliseconds limit);

private:
    // Reads what the pipes have until `deadline`, or until `done()` says enough.
    template <class Done>
    void pump(std::chrono::steady_clock::time_point deadline, Done done);
    bool reap(bool block);

    pid_t pid_ = -1;
    int status_ = -1;
    int out_fd_ = -1;
    int err_fd_ = -1;
    std::string out_;
    std::string err_;
};

/// Starts a program and waits for it: `child_process(argv, env, input).wait(limit)`.
child_process::outcome run_process(std::vector<std::string> argv, std::vector<std::string> env,
                                   std::chrono::milliseconds limit, const std::string& input = {});

} // namespace rerank::test
