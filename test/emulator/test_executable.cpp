// The rerank-emulator program: announces its port, serves, and exits 0 on SIGTERM.
#include "client.hpp"

#include "support/paths.hpp"

#include <boost/test/unit_test.hpp>

#include <csignal>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <thread>

using namespace rerank::emulator::test;

namespace {

// A child process with its stdout piped back; killed and reaped by the destructor if still there.
class child_process {
public:
    explicit child_process(std::vector<std::string> args) {
        int out[2];
        BOOST_REQUIRE(pipe(out) == 0);
        pid_ = fork();
        BOOST_REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            dup2(out[1], STDOUT_FILENO);
            close(out[0]);
            close(out[1]);
            std::vector<char*> argv;
            for (auto& a : args)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            execv(argv[0], argv.data());
            _exit(127);
        }
        close(out[1]);
        stdout_ = out[0];
    }
    ~child_process() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        if (stdout_ >= 0)
            close(stdout_);
    }

    // One line of stdout, waiting at most `limit`; "" on timeout or end of output.
    std::string read_line(std::chrono::milliseconds limit) {
        std::string line;
        const auto deadline = std::chrono::steady_clock::now() + limit;
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            pollfd p{stdout_, POLLIN, 0};
            if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0)
                return "";
            char c;
            if (read(stdout_, &c, 1) != 1)
                return "";
            if (c == '\n')
                return line;
            line += c;
        }
    }

    // The exit status after `signal`, waiting at most `limit`; -1 when it did not exit.
    int terminate(int signal, std::chrono::milliseconds limit) {
        kill(pid_, signal);
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            std::this_thread::sleep_for(10ms);
        }
        return -1;
    }

private:
    pid_t pid_ = -1;
    int stdout_ = -1;
};

std::string program() {
    return rerank::test::binary_path("src/emulator/rerank-emulator");
}

unsigned short port_of(const std::string& line, const std::string& scheme) {
    std::smatch m;
    const std::regex pattern("listening on " + scheme + "://127\\.0\\.0\\.1:([0-9]+)");
    BOOST_REQUIRE_MESSAGE(std::regex_match(line, m, pattern), "unexpected line: " << line);
    return static_cast<unsigned short>(std::stoi(m[1]));
}

} // namespace

BOOST_AUTO_TEST_SUITE(emulator_executable)

BOOST_AUTO_TEST_CASE(serves_on_the_announced_port_and_exits_0_on_sigterm) {
    child_process p({program(), "--port", "0", "--api-key", "secret-key", "--max-documents", "2"});
    const unsigned short port = port_of(p.read_line(10s), "http");
    // (Braced lists stay out of co_await expressions: GCC 12 miscompiles them there.)
    const auto two = post(compatible_path, compatible_body("a", {"a", "b"}), "secret-key");
    const auto three = post(compatible_path, compatible_body("a", {"a", "b", "c"}), "secret-key");
    const auto other_key = post(native_path, native_body("a", {"a"}), "emulator-key");
    io_fixture().run([&]() -> asio::awaitable<void> {
        auto r = co_await one_shot(port, two);
        BOOST_TEST(r.response.result_int() == 200u);
        r = co_await one_shot(port, three);
        BOOST_TEST(r.response.result_int() == 400u);
        r = co_await one_shot(port, other_key);
        BOOST_TEST(r.response.result_int() == 401u);
    });
    BOOST_TEST(p.terminate(SIGTERM, 5s) == 0);
}

BOOST_AUTO_TEST_CASE(serves_https_without_auth_and_exits_0_on_sigint) {
    child_process p({program(), "--tls-cert", cert_path("server.pem"), "--tls-key",
                     cert_path("server.key"), "--no-auth", "--max-request-tokens", "10"});
    const unsigned short port = port_of(p.read_line(10s), "https");
    asio::ssl::context tls = test_ca_context();
    const auto small = post(native_path, native_body("q", {"doc"}), "");
    const auto large = post(native_path, native_body("q", {"0123456789"}), "");
    io_fixture().run([&]() -> asio::awaitable<void> {
        raw_client client(co_await asio::this_coro::executor, &tls);
        BOOST_REQUIRE(!co_await client.connect(port));
        auto r = co_await client.exchange(small);
        BOOST_TEST(r.response.result_int() == 200u);
        r = co_await client.exchange(large);
        BOOST_TEST(r.response.result_int() == 400u); // 1 + 10 tokens > 10
    });
    BOOST_TEST(p.terminate(SIGINT, 5s) == 0);
}

BOOST_AUTO_TEST_CASE(bad_arguments_exit_2_and_help_exits_0) {
    {
        child_process p({program(), "--port", "notaport"});
        BOOST_TEST(p.read_line(5s).empty());
        BOOST_TEST(p.terminate(0, 5s) == 2);
    }
    {
        child_process p({program(), "--tls-cert", "x.pem"});
        BOOST_TEST(p.terminate(0, 5s) == 2);
    }
    {
        child_process p({program(), "--help"});
        BOOST_TEST(p.read_line(5s).starts_with("usage: rerank-emulator"));
        BOOST_TEST(p.terminate(0, 5s) == 0);
    }
}

BOOST_AUTO_TEST_SUITE_END()
