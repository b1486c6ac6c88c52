// rerank-bench against the emulator: the JSON report's fields, the table, the open loop,
// error classes and exit statuses.
#include "examples/example_fixture.hpp"
#include "support/child_process.hpp"

#include "support/emulator_fixture.hpp"
#include "support/paths.hpp"
#include "support/redis_server.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

using namespace rerank::test;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

struct bench_fixture : example_fixture {
    // The program with the emulator's URL, CA and key (from BENCH_KEY), and `args`.
    child_process::outcome bench(std::vector<std::string> args, const std::string& key = "") {
        std::vector<std::string> argv{binary_path("bench/tool/rerank-bench"),
                                      "--base-url",
                                      server.base_url(),
                                      "--ca-file",
                                      cert_path("ca.pem"),
                                      "--api-key-env",
                                      "BENCH_KEY"};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_process(argv, {"BENCH_KEY=" + (key.empty() ? server.options().api_key : key)},
                           60s);
    }
};

double number(const json::object& o, std::string_view key) {
    return o.at(key).to_number<double>();
}

// Every field of the issue's interface, with consistent values.
void check_report(const json::object& r, std::uint64_t requests, std::size_t documents) {
    BOOST_TEST(r.size() == 15u);
    BOOST_TEST(r.at("requests").to_number<std::uint64_t>() == requests);
    BOOST_TEST(r.at("errors").as_object().empty(), json::serialize(r));
    const double duration = number(r, "duration_s");
    BOOST_TEST(duration > 0);
    BOOST_TEST(number(r, "requests_per_s") == requests / duration,
               boost::test_tools::tolerance(0.01));
    BOOST_TEST(number(r, "documents_per_s") == documents * number(r, "requests_per_s"),
               boost::test_tools::tolerance(0.01));
    BOOST_TEST(number(r, "tokens_per_s") > number(r, "documents_per_s")); // > 1 token a document
    const auto& latency = r.at("latency_ms").as_object();
    BOOST_TEST(latency.size() == 5u);
    double previous = 0;
    for (const char* p : {"p50", "p90", "p99", "p999", "max"}) {
        const double v = number(latency, p);
        BOOST_TEST(v >= previous, p);
        previous = v;
    }
    BOOST_TEST(number(latency, "p50") > 0);
    // The pacer's figures: present and numbers (their values are the client's business).
    BOOST_TEST(r.at("throttled").is_number());
    const auto& admission = r.at("admission_wait_ms").as_object();
    BOOST_TEST(admission.size() == 5u);
    for (const char* p : {"p50", "p90", "p99", "p999", "max"})
        BOOST_TEST(number(admission, p) >= 0, p);
    BOOST_TEST(number(r, "cpu_us_per_request") > 0);
    // No cache: every call one request with all its documents.
    BOOST_TEST(r.at("http_requests").to_number<std::uint64_t>() == requests);
    BOOST_TEST(r.at("documents_cached").to_number<std::uint64_t>() == 0u);
    const auto opened = r.at("connections_opened").to_number<std::uint64_t>();
    BOOST_TEST(opened >= 1u);
    const auto& handshakes = r.at("handshakes").as_object();
    BOOST_TEST(handshakes.at("full").to_number<std::uint64_t>() +
                   handshakes.at("resumed").to_number<std::uint64_t>() ==
               opened);
    BOOST_TEST(handshakes.at("full").to_number<std::uint64_t>() >= 1u);
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(rerank_bench, bench_fixture)

BOOST_AUTO_TEST_CASE(requests_200_json_reports_every_field) {
    const auto run = bench({"--requests", "200", "--json"});
    BOOST_TEST_REQUIRE(run.status == 0, run.err);
    BOOST_TEST(run.err.empty(), run.err); // no progress line: stderr is not a terminal
    const auto report = json::parse(run.out).as_object();
    check_report(report, 200, 10);
    // 64 calls in flight on a pool of 64: at most 64 connections.
    BOOST_TEST(report.at("connections_opened").to_number<std::uint64_t>() <= 64u);
    // Warm-up included, the server saw at least the 200 measured calls.
    BOOST_TEST(server.stats().requests >= 200u);
}

BOOST_AUTO_TEST_CASE(repeats_with_a_cache_send_fewer_documents) {
    const auto run =
        bench({"--requests", "40", "--warmup", "0", "--concurrency", "1", "--documents", "10",
               "--repeat-fraction", "0.5", "--cache-mb", "1", "--json"});
    BOOST_TEST_REQUIRE(run.status == 0, run.err);
    const auto report = json::parse(run.out).as_object();
    const auto sent = report.at("documents_sent").to_number<std::uint64_t>();
    const auto cached = report.at("documents_cached").to_number<std::uint64_t>();
    BOOST_TEST(sent + cached == 400u);
    // One call at a time: every repeat (5 a call from the second on) is cached already.
    BOOST_TEST(cached == 39u * 5);
    BOOST_TEST(report.at("http_requests").to_number<std::uint64_t>() == 40u);
}

BOOST_AUTO_TEST_CASE(open_loop_with_the_requested_shape) {
    const auto run =
        bench({"--rate", "400", "--requests", "100", "--warmup", "0", "--concurrency", "4",
               "--documents", "3", "--doc-bytes", "20", "--top-n", "2", "--json"});
    BOOST_TEST_REQUIRE(run.status == 0, run.err);
    const auto report = json::parse(run.out).as_object();
    // top_n 2: two documents ranked per call.
    check_report(report, 100, 2);
    BOOST_TEST(report.at("connections_opened").to_number<std::uint64_t>() <= 4u);
    // 100 calls due at 400/s take about 0.25 s; well under a second even on a busy machine.
    BOOST_TEST(number(report, "duration_s") >= 0.2);
    const auto last = server.stats().last_request;
    BOOST_TEST_REQUIRE(last.has_value());
    const auto body = json::parse(last->body).as_object();
    BOOST_TEST(body.at("documents").as_array().size() == 3u);
    BOOST_TEST(body.at("documents").as_array()[0].as_string().size() == 20u);
    BOOST_TEST(body.at("top_n").as_int64() == 2);
}

BOOST_AUTO_TEST_CASE(duration_window_and_readable_table) {
    const auto run = bench({"--duration", "0.5", "--warmup", "0.2", "--concurrency", "8"});
    BOOST_TEST_REQUIRE(run.status == 0, run.err);
    for (const char* line :
         {"target       https://127.0.0.1:", "load         closed loop, 8 calls", "calls        ",
          "throughput   ", "latency      p50 ", "throttled    ", "admission    p50 ",
          "pacing       no limit configured, adaptive", "client CPU   ", "connections  "})
        BOOST_TEST(run.out.find(line) != std::string::npos, line << " in\n" << run.out);
    BOOST_TEST(run.out.find("errors") == std::string::npos, run.out);
}

BOOST_AUTO_TEST_CASE(pacing_flags_are_taken) {
    const auto run = bench({"--requests", "20", "--warmup", "0", "--concurrency", "2", "--rpm",
                            "60000", "--tpm", "100000000", "--quota-key", "bench", "--json"});
    BOOST_TEST_REQUIRE(run.status == 0, run.err);
    check_report(json::parse(run.out).as_object(), 20, 10);
}

BOOST_AUTO_TEST_CASE(failures_are_counted_by_error_class) {
    const auto run =
        bench({"--requests", "20", "--warmup", "0", "--concurrency", "2", "--json"}, "wrong-key");
    BOOST_TEST(run.status == 1, run.err); // nothing succeeded
    const auto report = json::parse(run.out).as_object();
    BOOST_TEST(report.at("requests").to_number<int>() == 20);
    BOOST_TEST(report.at("errors").as_object().size() == 1u);
    BOOST_TEST(report.at("errors").at("authentication_failed").to_number<int>() == 20);
}

// Through a proxy that is down every call fails to connect; --no-proxy ignores the
// environment's.
BOOST_AUTO_TEST_CASE(proxy_flags_are_taken) {
    const std::string dead = "http://127.0.0.1:" + std::to_string(unused_loopback_port());
    auto run = bench(
        {"--requests", "4", "--warmup", "0", "--concurrency", "1", "--proxy", dead, "--json"});
    BOOST_TEST_REQUIRE(run.status == 1, run.err);
    const auto report = json::parse(run.out).as_object();
    BOOST_TEST(report.at("errors").at("connection_failed").to_number<int>() == 4);
    BOOST_TEST(bench({"--proxy", dead, "--no-proxy"}).status == 2);
    BOOST_TEST(server.stats().requests == 0u);
}

BOOST_AUTO_TEST_CASE(bad_command_lines_exit_2) {
    BOOST_TEST(run_process({binary_path("bench/tool/rerank-bench")}, {}, 10s).status == 2);
    const auto both = bench({"--requests", "5", "--duration", "1"});
    BOOST_TEST(both.status == 2);
    BOOST_TEST(both.err.find("exclude each other") != std::string::npos, both.err);
    BOOST_TEST(bench({"--concurrency", "0"}).status == 2);
    BOOST_TEST(bench({"--dialect", "openai"}).status == 2);
    BOOST_TEST(bench({"--rpm", "-5"}).status == 2);
    BOOST_TEST(bench({"--quota-redis", "localhost"}).status == 2);
    const auto help = run_process({binary_path("bench/tool/rerank-bench"), "--help"}, {}, 10s);
    BOOST_TEST(help.status == 0);
    BOOST_TEST(help.out.find("--rate R") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
