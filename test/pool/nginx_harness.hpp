// Debian's nginx as a TLS reverse proxy in front of an emulator, for tests against a real
// server's keep-alive behaviour.
#pragma once

#include <rerank/dialect.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <sys/types.h>

namespace rerank::test {

/// Starts `/usr/sbin/nginx` in the foreground (`daemon off; master_process off;`) in a temporary
/// directory holding its own configuration, logs and temp paths; it listens with TLS
/// (test/certs/server.pem) on a loopback port the OS chose and proxies to `upstream_port` on
/// 127.0.0.1 with upstream keep-alive. Stopped (SIGTERM, then SIGKILL) and cleaned up by the
/// destructor. Throws std::runtime_error when nginx is missing or does not come up.
class nginx_harness {
public:
    struct options {
        unsigned short upstream_port = 0;
        /// Requests per client connection before nginx closes it (`keepalive_requests`).
        std::size_t keepalive_requests = 50;
        /// Idle time before nginx closes a client connection (`keepalive_timeout`).
        std::chrono::seconds keepalive_timeout{2};
        /// Idle connections kept to the upstream (`keepalive` in the upstream block).
        std::size_t upstream_keepalive = 32;
    };

    static constexpr const char* executable = "/usr/sbin/nginx";
    /// Whether nginx is installed (`apt-get install nginx-light`).
    static bool available();

    explicit nginx_harness(options opts);
    ~nginx_harness();
    nginx_harness(const nginx_harness&) = delete;
    nginx_harness& operator=(const nginx_harness&) = delete;

    unsigned short port() const noexcept { return port_; }
    /// "https://127.0.0.1:PORT/compatible-api/v1" (or the native base URL).
    std::string base_url(rerank::dialect d = rerank::dialect::dashscope) const;
    /// The content of nginx's error log (for failure messages).
    std::string error_log() const;
    /// Stops nginx and waits for it. Idempotent.
    void stop();

private:
    bool try_start(unsigned short port, std::string& why);

    options opts_;
    std::string dir_;
    unsigned short port_ = 0;
    pid_t pid_ = -1;
};

} // namespace rerank::test
