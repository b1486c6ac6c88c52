// Debian's redis-server for the tests: on a loopback port the test picks, persisting nothing,
// killed by the destructor.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace rerank::test {

/// A redis-server of the test's own (`--save '' --appendonly no`, so it writes no file), listening
/// on 127.0.0.1 on a port that was free when it started. The destructor kills it (SIGKILL) and
/// waits for it. Throws std::runtime_error when it is missing or does not come up.
class redis_server {
public:
    static constexpr const char* server_executable = "/usr/bin/redis-server";
    static constexpr const char* cli_executable = "/usr/bin/redis-cli";

    /// `password`: for `requirepass` (empty: none).
    explicit redis_server(std::string password = {});
    ~redis_server();
    redis_server(const redis_server&) = delete;
    redis_server& operator=(const redis_server&) = delete;

    unsigned short port() const noexcept { return port_; }
    /// "redis://127.0.0.1:PORT" (no password).
    std::string url() const;

    /// Kills it as a crash would (SIGKILL): its data is gone.
    void kill();
    /// Starts it again on the same port, empty.
    void restart();

    /// Runs redis-cli against database `db` with `args`; its output without the last newline.
    /// Throws std::runtime_error when redis-cli fails.
    std::string cli(const std::vector<std::string>& args, int db = 0) const;

private:
    bool try_start(unsigned short port, std::string& why);

    std::string password_;
    unsigned short port_ = 0;
    pid_t pid_ = -1;
};

/// A loopback port nobody listened on when this was called.
unsigned short unused_loopback_port();

} // namespace rerank::test
