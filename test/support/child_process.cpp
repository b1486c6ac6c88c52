#include "support/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace rerank::test {

using clock = std::chrono::steady_clock;

namespace {

// The test's environment with `extra` added, replacing variables of the same name.
std::vector<std::string> merged_environment(const std::vector<std::string>& extra) {
    std::vector<std::string> env(extra);
    for (char** e = environ; *e; ++e) {
        const std::string_view var = *e;
        const auto name = var.substr(0, var.find('=') + 1);
        bool replaced = false;
        for (const auto& x : extra)
            replaced = replaced || std::string_view(x).substr(0, name.size()) == name;
        if (!replaced)
            env.emplace_back(var);
    }
    return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings)
        out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

int milliseconds_until(clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    return static_cast<int>(std::max<std::int64_t>(0, left.count()));
}

} // namespace

child_process::child_process(std::vector<std::string> argv, std::vector<std::string> env,
                             const std::string& input) {
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    // stdin is an in-memory file holding all of `input`: unlike a pipe, it never blocks the test
    // while the child writes instead of reading.
    const int in = ::memfd_create("child-stdin", MFD_CLOEXEC);
    if (in < 0 || ::write(in, input.data(), input.size()) != static_cast<ssize_t>(input.size()) ||
        ::lseek(in, 0, SEEK_SET) != 0)
        throw std::runtime_error("cannot prepare the child's stdin");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in, STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    auto environment = merged_environment(env);
    auto args = pointers(argv);
    auto envp = pointers(environment);
    const int rc =
        ::posix_spawn(&pid_, argv.at(0).c_str(), &actions, nullptr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(in);
    ::close(out[1]);
    ::close(err[1]);
    out_fd_ = out[0];
    err_fd_ = err[0];
    if (rc != 0) {
        pid_ = -1;
        throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
    }
}

child_process::~child_process() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        reap(true);
    }
    if (out_fd_ >= 0)
        ::close(out_fd_);
    if (err_fd_ >= 0)
        ::close(err_fd_);
}

template <class Done>
void child_process::pump(clock::time_point deadline, Done done) {
    while (!done() && (out_fd_ >= 0 || err_fd_ >= 0)) {
        pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
        const int ready = ::poll(fds, 2, milliseconds_until(deadline));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            return; // the deadline passed
        for (int i = 0; i < 2; ++i) {
            int& fd = i == 0 ? out_fd_ : err_fd_;
            if (fd < 0 || fds[i].revents == 0)
                continue;
            char buffer[4096];
            const ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n > 0) {
                (i == 0 ? out_ : err_).append(buffer, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                ::close(fd);
                fd = -1; // poll ignores negative descriptors
            }
        }
    }
}

std::string child_process::read_line(std::chrono::milliseconds limit) {
    pump(clock::now() + limit, [&] { return out_.find('\n') != std::string::npos; });
    const auto end = out_.find('\n');
    if (end == std::string::npos)
        return "";
    std::string line = out_.substr(0, end);
    out_.erase(0, end + 1);
    return line;
}

bool child_process::wait_for_stderr(const std::string& text, std::chrono::milliseconds limit) {
    pump(clock::now() + limit, [&] { return err_.find(text) != std::string::npos; });
    return err_.find(text) != std::string::npos;
}

void child_process::signal(int signal) {
    if (pid_ > 0)
        ::kill(pid_, signal);
}

bool child_process::reap(bool block) {
    int status = 0;
    if (::waitpid(pid_, &status, block ? 0 : WNOHANG) != pid_)
        return false;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    pid_ = -1;
    return true;
}

child_process::outcome child_process::wait(std::chrono::milliseconds limit) {
    const auto deadline = clock::now() + limit;
    // The output ends when the child exits (or closes it): read until then.
    pump(deadline, [] { return false; });
    bool exited = pid_ < 0;
    while (!exited && clock::now() < deadline) {
        exited = reap(false);
        if (!exited)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    outcome o;
    if (!exited) {
        ::kill(pid_, SIGKILL);
        reap(true);
        o.status = -1;
    } else {
        o.status = status_;
    }
    o.out = std::move(out_);
    o.err = std::move(err_);
    return o;
}

child_process::outcome run_process(std::vector<std::string> argv, std::vector<std::string> env,
                                   std::chrono::milliseconds limit, const std::string& input) {
    return child_process(std::move(argv), std::move(env), input).wait(limit);
}

} // namespace rerank::test
