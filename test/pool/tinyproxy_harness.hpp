// Debian's tinyproxy for the proxy tests: on a loopback port the test picks, configured by a
// file in $TMPDIR that the harness removes, stopped by its destructor.
#pragma once

#include "support/child_process.hpp"

#include <memory>
#include <string>

namespace rerank::test {

/// A tinyproxy in the foreground (`-d`), listening on 127.0.0.1, allowing 127.0.0.1 only.
/// Throws std::runtime_error when it is missing or does not come up.
class tinyproxy_harness {
public:
    struct options {
        /// The only port CONNECT may reach (`ConnectPort`); 0: any.
        unsigned short connect_port = 0;
        /// `BasicAuth user password` when `user` is not empty.
        std::string user;
        std::string password;
    };

    static constexpr const char* executable = "/usr/bin/tinyproxy";

    explicit tinyproxy_harness(options opts);
    ~tinyproxy_harness();
    tinyproxy_harness(const tinyproxy_harness&) = delete;
    tinyproxy_harness& operator=(const tinyproxy_harness&) = delete;

    unsigned short port() const noexcept { return port_; }
    /// "http://[user:password@]127.0.0.1:PORT" (with the credentials given, if any).
    std::string url(const std::string& user = {}, const std::string& password = {}) const;
    /// Waits at most 5 s for a line of tinyproxy's log (level Info) not read before that
    /// contains `text`.
    bool logged(const std::string& text);
    /// Stops it (SIGKILL) and waits for it. Idempotent.
    void stop();

private:
    bool try_start(unsigned short port, std::string& why);

    options opts_;
    std::string config_path_;
    unsigned short port_ = 0;
    std::unique_ptr<child_process> process_;
};

} // namespace rerank::test
