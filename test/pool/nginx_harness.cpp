#include "pool/nginx_harness.hpp"

#include "support/emulator_fixture.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
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

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

sockaddr_in loopback(unsigned short port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

// A port the OS considers free right now: bind port 0, read it back, close. Another process
// may take it before nginx binds it; the caller retries then.
unsigned short free_loopback_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        throw std::runtime_error("socket() failed");
    sockaddr_in a = loopback(0);
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot find a free loopback port");
    }
    ::close(fd);
    return ntohs(a.sin_port);
}

bool accepts_connections(unsigned short port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return false;
    sockaddr_in a = loopback(port);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

std::string slurp(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string config(const nginx_harness::options& o, const std::string& dir, unsigned short port) {
    std::ostringstream c;
    c << "daemon off;\n"
      << "master_process off;\n"
      << "worker_processes 1;\n"
      << "pid " << dir << "/nginx.pid;\n"
      << "error_log " << dir << "/error.log warn;\n"
      << "events { worker_connections 1024; }\n"
      << "http {\n"
      << "    access_log off;\n"
      << "    client_body_temp_path " << dir << "/client_body;\n"
      << "    proxy_temp_path " << dir << "/proxy;\n"
      << "    fastcgi_temp_path " << dir << "/fastcgi;\n"
      << "    uwsgi_temp_path " << dir << "/uwsgi;\n"
      << "    scgi_temp_path " << dir << "/scgi;\n"
      << "    upstream emulator {\n"
      << "        server 127.0.0.1:" << o.upstream_port << ";\n"
      << "        keepalive " << o.upstream_keepalive << ";\n"
      << "    }\n"
      << "    server {\n"
      << "        listen 127.0.0.1:" << port << " ssl;\n"
      << "        ssl_certificate " << cert_path("server.pem") << ";\n"
      << "        ssl_certificate_key " << cert_path("server.key") << ";\n"
      << "        ssl_protocols TLSv1.2 TLSv1.3;\n"
      << "        ssl_session_cache shared:rerank_test:1m;\n"
      << "        ssl_session_tickets on;\n"
      << "        keepalive_requests " << o.keepalive_requests << ";\n"
      << "        keepalive_timeout " << o.keepalive_timeout.count() << "s;\n"
      << "        client_max_body_size 16m;\n"
      << "        location / {\n"
      << "            proxy_pass http://emulator;\n"
      << "            proxy_http_version 1.1;\n"
      << "            proxy_set_header Connection \"\";\n"
      << "            proxy_set_header Host $host;\n"
      << "        }\n"
      << "    }\n"
      << "}\n";
    return c.str();
}

} // namespace

bool nginx_harness::available() {
    return ::access(executable, X_OK) == 0;
}

nginx_harness::nginx_harness(options opts)
    : opts_(opts) {
    if (!available())
        throw std::runtime_error(std::string(executable) +
                                 " is not installed (apt-get install nginx-light)");
    std::string templ = (fs::temp_directory_path() / "rerank-nginx-XXXXXX").string();
    if (!::mkdtemp(templ.data()))
        throw std::runtime_error("mkdtemp failed");
    dir_ = templ;
    std::string why;
    for (int attempt = 0; attempt < 5; ++attempt) {
        if (try_start(free_loopback_port(), why))
            return;
    }
    const std::string log = error_log();
    fs::remove_all(dir_);
    throw std::runtime_error("nginx did not start: " + why + "\n" + log);
}

bool nginx_harness::try_start(unsigned short port, std::string& why) {
    {
        std::ofstream conf(dir_ + "/nginx.conf", std::ios::trunc);
        conf << config(opts_, dir_, port);
    }
    fs::remove(dir_ + "/error.log");
    const std::string conf_path = dir_ + "/nginx.conf";
    const std::string log_path = dir_ + "/error.log";
    const std::string out_path = dir_ + "/stderr.log";
    // -e: the error log before the configuration is read (otherwise /var/log/nginx).
    const char* argv[] = {executable,        "-p", dir_.c_str(),     "-c",
                          conf_path.c_str(), "-e", log_path.c_str(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, 2, out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0644);
    pid_t pid = -1;
    const int rc =
        ::posix_spawn(&pid, executable, &actions, nullptr, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        why = "posix_spawn failed";
        return false;
    }
    // Up within 10 s, or it exited (a port taken meanwhile: "Address already in use").
    const auto give_up = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < give_up) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            why = "nginx exited with status " + std::to_string(status) + "; " + slurp(out_path);
            return false;
        }
        if (accepts_connections(port)) {
            pid_ = pid;
            port_ = port;
            return true;
        }
        std::this_thread::sleep_for(10ms);
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    why = "nginx did not accept connections within 10 s";
    return false;
}

nginx_harness::~nginx_harness() {
    stop();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
}

void nginx_harness::stop() {
    if (pid_ <= 0)
        return;
    // SIGTERM: fast shutdown; SIGKILL after 5 s if it has not exited.
    ::kill(pid_, SIGTERM);
    const auto give_up = std::chrono::steady_clock::now() + 5s;
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) != pid_) {
        if (std::chrono::steady_clock::now() > give_up) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(5ms);
    }
    pid_ = -1;
}

std::string nginx_harness::base_url(rerank::dialect d) const {
    return "https://127.0.0.1:" + std::to_string(port_) +
           (d == rerank::dialect::dashscope_native ? "/api/v1" : "/compatible-api/v1");
}

std::string nginx_harness::error_log() const {
    return slurp(dir_ + "/error.log");
}

} // namespace rerank::test
