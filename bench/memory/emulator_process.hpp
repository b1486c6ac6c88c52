// The rerank-emulator program as a child process, so that its memory is not the benchmark's.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace rerank::bench {

/// Starts `program` (the rerank-emulator executable) with `--port 0` and `args`, and reads
/// the "listening on http(s)://127.0.0.1:PORT" line it prints once it accepts connections.
/// Stdout is piped back; stderr is inherited. The destructor stops the child (SIGTERM, then
/// SIGKILL if it has not exited within 5 s) and reaps it.
class emulator_process {
public:
    /// Throws std::runtime_error when the program cannot start or does not announce its port
    /// within `startup_limit`.
    emulator_process(const std::string& program, const std::vector<std::string>& args,
                     std::chrono::milliseconds startup_limit = std::chrono::seconds(10));
    ~emulator_process();
    emulator_process(const emulator_process&) = delete;
    emulator_process& operator=(const emulator_process&) = delete;

    unsigned short port() const noexcept { return port_; }
    /// "http(s)://127.0.0.1:PORT/compatible-api/v1": the client's base URL.
    std::string base_url() const;

private:
    std::string read_line(std::chrono::milliseconds limit);
    void stop() noexcept;

    pid_t pid_ = -1;
    int out_fd_ = -1;
    unsigned short port_ = 0;
    std::string origin_; // "http(s)://127.0.0.1:PORT"
};

} // namespace rerank::bench
