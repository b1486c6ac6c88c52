#include "pool/tinyproxy_harness.hpp"

#include "support/redis_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace rerank::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

bool accepts_connections(unsigned short port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return false;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

} // namespace

tinyproxy_harness::tinyproxy_harness(options opts)
    : opts_(std::move(opts)) {
    if (::access(executable, X_OK) != 0)
        throw std::runtime_error("tinyproxy is not installed (apt-get install tinyproxy)");
    std::string templ = (fs::temp_directory_path() / "rerank-tinyproxy-XXXXXX").string();
    const int fd = ::mkstemp(templ.data());
    if (fd < 0)
        throw std::runtime_error("mkstemp failed");
    ::close(fd);
    config_path_ = templ;
    std::string why;
    for (int attempt = 0; attempt < 5; ++attempt)
        if (try_start(unused_loopback_port(), why))
            return;
    fs::remove(config_path_);
    throw std::runtime_error("tinyproxy did not start: " + why);
}

tinyproxy_harness::~tinyproxy_harness() {
    stop();
    std::error_code ignored;
    fs::remove(config_path_, ignored);
}

bool tinyproxy_harness::try_start(unsigned short port, std::string& why) {
    {
        std::ofstream conf(config_path_, std::ios::trunc);
        conf << "Port " << port << "\nListen 127.0.0.1\nAllow 127.0.0.1\nTimeout 30\n"
             << "MaxClients 64\nLogLevel Info\n";
        if (opts_.connect_port != 0)
            conf << "ConnectPort " << opts_.connect_port << "\n";
        if (!opts_.user.empty())
            conf << "BasicAuth " << opts_.user << " " << opts_.password << "\n";
    }
    process_ = std::make_unique<child_process>(
        std::vector<std::string>{executable, "-d", "-c", config_path_});
    const auto give_up = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < give_up) {
        if (accepts_connections(port)) {
            port_ = port;
            return true;
        }
        std::this_thread::sleep_for(10ms);
    }
    // Its log goes to stdout ("Could not create listening sockets": the port was taken).
    why = process_->wait(0ms).out;
    process_.reset();
    return false;
}

std::string tinyproxy_harness::url(const std::string& user, const std::string& password) const {
    const std::string credentials = user.empty() ? "" : user + ":" + password + "@";
    return "http://" + credentials + "127.0.0.1:" + std::to_string(port_);
}

bool tinyproxy_harness::logged(const std::string& text) {
    // The log goes to stdout, read line by line: what was read before is not searched again.
    const auto give_up = std::chrono::steady_clock::now() + 5s;
    while (process_ && std::chrono::steady_clock::now() < give_up)
        if (process_->read_line(100ms).find(text) != std::string::npos)
            return true;
    return false;
}

void tinyproxy_harness::stop() {
    process_.reset(); // kills and reaps it
}

} // namespace rerank::test
