#include "support/redis_server.hpp"

#include "support/child_process.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace rerank::test {

using namespace std::chrono_literals;

unsigned short unused_loopback_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        throw std::runtime_error("socket() failed");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
    ::close(fd);
    if (!ok)
        throw std::runtime_error("cannot find a free loopback port");
    return ntohs(a.sin_port);
}

redis_server::redis_server(std::string password)
    : password_(std::move(password)) {
    if (::access(server_executable, X_OK) != 0 || ::access(cli_executable, X_OK) != 0)
        throw std::runtime_error("redis-server is not installed (apt-get install redis-server)");
    std::string why;
    for (int attempt = 0; attempt < 5; ++attempt)
        if (try_start(unused_loopback_port(), why))
            return;
    throw std::runtime_error("redis-server did not start: " + why);
}

redis_server::~redis_server() {
    kill();
}

std::string redis_server::url() const {
    return "redis://127.0.0.1:" + std::to_string(port_);
}

bool redis_server::try_start(unsigned short port, std::string& why) {
    std::vector<std::string> args = {
        server_executable, "--port", std::to_string(port), "--bind", "127.0.0.1",  "--save", "",
        "--appendonly",    "no",     "--daemonize",        "no",     "--loglevel", "warning"};
    if (!password_.empty()) {
        args.push_back("--requirepass");
        args.push_back(password_);
    }
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    // Its log goes nowhere: nothing reads it, and a full pipe would stop it.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, server_executable, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        why = "posix_spawn failed";
        return false;
    }
    pid_ = pid;
    port_ = port;
    // Up when it answers PING; gone when it exits (the port was taken meanwhile).
    const auto give_up = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < give_up) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            pid_ = -1;
            why = "redis-server exited with status " + std::to_string(status);
            return false;
        }
        try {
            if (cli({"PING"}) == "PONG")
                return true;
        } catch (const std::runtime_error& e) {
            why = e.what();
        }
        std::this_thread::sleep_for(20ms);
    }
    kill();
    why = "redis-server did not answer PING within 10 s (" + why + ")";
    return false;
}

void redis_server::kill() {
    if (pid_ <= 0)
        return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

void redis_server::restart() {
    kill();
    std::string why;
    // The port was ours a moment ago; another process may take it meanwhile, rarely.
    for (int attempt = 0; attempt < 20; ++attempt) {
        if (try_start(port_, why))
            return;
        std::this_thread::sleep_for(50ms);
    }
    throw std::runtime_error("redis-server did not start again: " + why);
}

std::string redis_server::cli(const std::vector<std::string>& args, int db) const {
    std::vector<std::string> argv = {cli_executable,        "-h", "127.0.0.1",       "-p",
                                     std::to_string(port_), "-n", std::to_string(db)};
    std::vector<std::string> env;
    if (!password_.empty())
        env.push_back("REDISCLI_AUTH=" + password_); // not on the command line
    argv.insert(argv.end(), args.begin(), args.end());
    auto outcome = run_process(argv, env, 10s);
    if (outcome.status != 0)
        throw std::runtime_error("redis-cli failed: " + outcome.err + outcome.out);
    while (!outcome.out.empty() && outcome.out.back() == '\n')
        outcome.out.pop_back();
    return outcome.out;
}

} // namespace rerank::test
