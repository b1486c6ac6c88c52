#include "emulator_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <thread>

extern char** environ;

namespace rerank::bench {

using clock = std::chrono::steady_clock;

emulator_process::emulator_process(const std::string& program, const std::vector<std::string>& args,
                                   std::chrono::milliseconds startup_limit) {
    std::vector<std::string> argv{program, "--port", "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> pointers;
    for (auto& a : argv)
        pointers.push_back(a.data());
    pointers.push_back(nullptr);

    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    const int rc =
        ::posix_spawn(&pid_, program.c_str(), &actions, nullptr, pointers.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    out_fd_ = out[0];
    if (rc != 0) {
        pid_ = -1;
        ::close(out_fd_);
        throw std::runtime_error("cannot start " + program + ": " + std::strerror(rc));
    }
    const std::string line = read_line(startup_limit);
    constexpr std::string_view prefix = "listening on ";
    const std::size_t colon = line.rfind(':');
    const std::string origin = line.substr(std::min(prefix.size(), line.size()));
    if (!line.starts_with(prefix) || colon == std::string::npos || colon + 1 == line.size() ||
        !(origin.starts_with("http://127.0.0.1:") || origin.starts_with("https://127.0.0.1:"))) {
        stop();
        throw std::runtime_error(program + " did not announce its port (got \"" + line + "\")");
    }
    port_ = static_cast<unsigned short>(std::stoul(line.substr(colon + 1)));
    origin_ = origin;
}

emulator_process::~emulator_process() {
    stop();
}

std::string emulator_process::base_url() const {
    return origin_ + "/compatible-api/v1";
}

std::string emulator_process::read_line(std::chrono::milliseconds limit) {
    const auto deadline = clock::now() + limit;
    std::string line;
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
        pollfd p{out_fd_, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
            return line;
        char c;
        if (::read(out_fd_, &c, 1) != 1 || c == '\n')
            return line;
        line += c;
    }
}

void emulator_process::stop() noexcept {
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        const auto deadline = clock::now() + std::chrono::seconds(5);
        while (::waitpid(pid_, nullptr, WNOHANG) == 0) {
            if (clock::now() > deadline) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, nullptr, 0);
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        pid_ = -1;
    }
    if (out_fd_ >= 0) {
        ::close(out_fd_);
        out_fd_ = -1;
    }
}

} // namespace rerank::bench
