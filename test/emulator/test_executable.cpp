// The rerank-emulator program: announces its port, serves, and exits 0 on SIGTERM.
#include "client.hpp"

#include "support/child_process.hpp"
#include "support/paths.hpp"

#include <boost/test/unit_test.hpp>

#include <csignal>

#include <chrono>
#include <regex>

using namespace rerank::emulator::test;
using rerank::test::child_process;

namespace {

std::string program() {
    return rerank::test::binary_path("src/emulator/rerank-emulator");
}

unsigned short port_of(const std::string& line, const std::string& scheme) {
    std::smatch m;
    const std::regex pattern("listening on " + scheme + "://127\\.0\\.0\\.1:([0-9]+)");
    BOOST_REQUIRE_MESSAGE(std::regex_match(line, m, pattern), "unexpected line: " << line);
    return static_cast<unsigned short>(std::stoi(m[1]));
}

// Runs the program (plain HTTP) with `arguments`, sends it `request` `times` times, each on a
// new connection, and stops it with SIGTERM, expecting exit 0; the answers.
std::vector<exchange_result> answers_of_program(std::vector<std::string> arguments,
                                                const http::request<http::string_body>& request,
                                                int times) {
    arguments.insert(arguments.begin(), program());
    child_process p(std::move(arguments));
    const unsigned short port = port_of(p.read_line(10s), "http");
    std::vector<exchange_result> answers;
    io_fixture().run([&]() -> asio::awaitable<void> {
        for (int i = 0; i < times; ++i)
            answers.push_back(co_await one_shot(port, request));
    });
    p.signal(SIGTERM);
    BOOST_TEST(p.wait(5s).status == 0);
    return answers;
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
    p.signal(SIGTERM);
    const auto exit = p.wait(5s);
    BOOST_TEST(exit.status == 0, "stderr: " << exit.err);
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
    p.signal(SIGINT);
    const auto exit = p.wait(5s);
    BOOST_TEST(exit.status == 0, "stderr: " << exit.err);
}

BOOST_AUTO_TEST_CASE(fault_every_n_faults_every_nth_request_503_first) {
    const auto answers =
        answers_of_program({"--no-auth", "--fault-every", "2"},
                           post(compatible_path, compatible_body("a", {"a", "b"}), ""), 3);
    BOOST_TEST(answers.at(0).response.result_int() == 200u);
    BOOST_TEST(answers.at(1).response.result_int() == 503u);
    BOOST_TEST(answers.at(2).response.result_int() == 200u);
}

BOOST_AUTO_TEST_CASE(rpm_throttles_with_the_retry_after_ms_asked_for) {
    const auto answers = answers_of_program({"--no-auth", "--rpm", "60", "--burst", "1000", "--tpm",
                                             "100000", "--retry-after-ms", "250"},
                                            post(native_path, native_body("a", {"a", "b"}), ""), 2);
    BOOST_TEST(answers.at(0).response.result_int() == 200u);
    BOOST_TEST(answers.at(1).response.result_int() == 429u);
    BOOST_TEST(answers.at(1).json().at("code").as_string() == "Throttling.RateQuota");
    BOOST_TEST(answers.at(1).response["retry-after-ms"] == "250");
}

BOOST_AUTO_TEST_CASE(dialect_serves_that_api_with_its_limits_under_the_flags) {
    // TEI's 32 texts by default; --max-documents, given before or after --dialect, lowers it.
    const auto texts = [](std::size_t n) {
        return post("/rerank",
                    json::object{{"query", "q"}, {"texts", json::array(n, json::string("text"))}},
                    "");
    };
    auto answers = answers_of_program({"--no-auth", "--dialect", "tei"}, texts(33), 1);
    BOOST_TEST(answers.at(0).response.result_int() == 413u);
    BOOST_TEST(answers.at(0).json().at("error").as_string() ==
               "batch size 33 > maximum allowed batch size 32");
    answers =
        answers_of_program({"--max-documents", "2", "--no-auth", "--dialect", "tei"}, texts(3), 1);
    BOOST_TEST(answers.at(0).json().at("error").as_string() ==
               "batch size 3 > maximum allowed batch size 2");
    answers =
        answers_of_program({"--dialect", "nim", "--no-auth", "--max-pair-tokens", "10"},
                           post("/v1/ranking",
                                json::object{{"model", "nvidia/llama-3.2-nv-rerankqa-1b-v2"},
                                             {"query", {{"text", "q"}}},
                                             {"passages", json::array{{{"text", "0123456789"}}}}},
                                ""),
                           1);
    BOOST_TEST(answers.at(0).response.result_int() == 400u);
    BOOST_TEST(answers.at(0).json().at("error").as_string().starts_with("Input length"));
}

BOOST_AUTO_TEST_CASE(bad_arguments_exit_2_and_help_exits_0) {
    for (const char* bad : {"--rpm=-1", "--rpm=ten", "--tpm=-5", "--burst=1.5",
                            "--retry-after-ms=soon", "--dialect=openai", "--max-pair-tokens=x"}) {
        const std::string arg(bad);
        const auto eq = arg.find('=');
        child_process p({program(), arg.substr(0, eq), arg.substr(eq + 1)});
        BOOST_TEST(p.wait(5s).status == 2, bad);
    }
    {
        child_process p({program(), "--port", "notaport"});
        BOOST_TEST(p.read_line(5s).empty());
        BOOST_TEST(p.wait(5s).status == 2);
    }
    {
        child_process p({program(), "--tls-cert", "x.pem"});
        BOOST_TEST(p.wait(5s).status == 2);
    }
    {
        child_process p({program(), "--help"});
        BOOST_TEST(p.read_line(5s).starts_with("usage: rerank-emulator"));
        BOOST_TEST(p.wait(5s).status == 0);
    }
}

BOOST_AUTO_TEST_SUITE_END()
