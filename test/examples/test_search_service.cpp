// examples/search_service: POST /search through one shared client on four threads, deadlines
// passed through, and cancellation when the caller hangs up.
#include "examples/example_fixture.hpp"
#include "examples/http_post.hpp"
#include "support/child_process.hpp"

#include <rerank/emulator/fault.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <regex>
#include <sstream>
#include <thread>

using namespace rerank::test;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

// The service, started against the fixture's emulator, and the port it announced.
struct service_fixture : example_fixture {
    service_fixture()
        : service({example_program("search_service"), "--threads", "4"}, env()) {
        const std::string line = service.read_line(20s);
        std::smatch m;
        const std::regex pattern("listening on http://127\\.0\\.0\\.1:([0-9]+)");
        BOOST_TEST_REQUIRE(std::regex_match(line, m, pattern), "unexpected line: " << line);
        port = static_cast<unsigned short>(std::stoi(m[1]));
    }
    child_process service;
    unsigned short port = 0;
};

const std::string candidates =
    R"(["the fox jumps over the dog", "rerank models order passages by relevance",)"
    R"( "a reranker orders search results", "paris in spring"])";

std::string search_body(const std::string& query, const std::string& extra = "") {
    return R"({"query": ")" + query + R"(", "candidates": )" + candidates + extra + "}";
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(example_search_service, service_fixture)

BOOST_AUTO_TEST_CASE(ranks_candidates_best_first_with_top_n) {
    const auto reply =
        http_post(port, "/search", search_body("reranker orders", R"(, "top_n": 2)"));
    BOOST_TEST_REQUIRE(reply.status == 200u, reply.error << reply.body);
    const auto body = json::parse(reply.body).as_object();
    const auto& results = body.at("results").as_array();
    BOOST_TEST_REQUIRE(results.size() == 2u);
    BOOST_TEST(results[0].at("index").as_int64() == 2);
    BOOST_TEST(results[0].at("text").as_string() == "a reranker orders search results");
    BOOST_TEST(results[0].at("score").to_number<double>() >=
               results[1].at("score").to_number<double>());
    BOOST_TEST(!body.at("request_id").as_string().empty());
}

BOOST_AUTO_TEST_CASE(serves_concurrent_callers_through_the_shared_client) {
    std::vector<std::string> bodies;
    for (int i = 0; i < 24; ++i)
        bodies.push_back(search_body(i % 2 ? "fox dog" : "paris spring"));
    const auto replies = http_post_concurrently(port, "/search", bodies);
    for (std::size_t i = 0; i < replies.size(); ++i) {
        BOOST_TEST_REQUIRE(replies[i].status == 200u, replies[i].error << replies[i].body);
        const auto results = json::parse(replies[i].body).at("results").as_array();
        BOOST_TEST(results.size() == 4u);
        BOOST_TEST(results[0].at("index").as_int64() == (i % 2 ? 0 : 3));
    }
    BOOST_TEST(server.stats().requests == replies.size());
}

BOOST_AUTO_TEST_CASE(bad_input_is_a_400_and_other_paths_a_404) {
    auto reply = http_post(port, "/search", R"({"query": "q"})");
    BOOST_TEST(reply.status == 400u);
    BOOST_TEST(reply.body.find("candidates") != std::string::npos, reply.body);
    reply = http_post(port, "/search", "not json");
    BOOST_TEST(reply.status == 400u);
    reply = http_post(port, "/search", search_body("q", R"(, "top_n": 0)"));
    BOOST_TEST(reply.status == 400u);
    // An empty query passes our parsing; the client refuses it before sending anything.
    reply = http_post(port, "/search", search_body(""));
    BOOST_TEST(reply.status == 400u);
    BOOST_TEST(reply.body.find("invalid_request") != std::string::npos, reply.body);
    reply = http_post(port, "/other", search_body("q"));
    BOOST_TEST(reply.status == 404u);
    BOOST_TEST(server.stats().requests == 0u);
}

BOOST_AUTO_TEST_CASE(the_callers_deadline_is_passed_through) {
    // The emulator takes 3 s; the caller allows 300 ms, by header or by field.
    server.push_fault(rerank::emulator::fault::delay(3s));
    auto start = std::chrono::steady_clock::now();
    auto reply = http_post(port, "/search", search_body("fox"), {{"X-Timeout-Ms", "300"}});
    BOOST_TEST(reply.status == 504u, reply.error << reply.body);
    BOOST_TEST(reply.body.find("timeout") != std::string::npos, reply.body);
    BOOST_TEST((std::chrono::steady_clock::now() - start < 2500ms));

    server.push_fault(rerank::emulator::fault::delay(3s));
    start = std::chrono::steady_clock::now();
    reply = http_post(port, "/search", search_body("fox", R"(, "timeout_ms": 300)"));
    BOOST_TEST(reply.status == 504u, reply.error << reply.body);
    BOOST_TEST((std::chrono::steady_clock::now() - start < 2500ms));
}

BOOST_AUTO_TEST_CASE(a_caller_hanging_up_cancels_its_rerank_call) {
    // The emulator never answers; only the cancellation can end the call (the client's own
    // deadline is 60 s).
    server.push_fault(rerank::emulator::fault::stall());
    // Hang up once the call is waiting for the answer (earlier, the call would be cancelled
    // while connecting, and the stall would catch the next call instead).
    http_post_and_hang_up(port, "/search", search_body("fox"), [&] {
        const auto limit = std::chrono::steady_clock::now() + 10s;
        while (server.stats().requests == 0 && std::chrono::steady_clock::now() < limit)
            std::this_thread::sleep_for(5ms);
    });
    BOOST_TEST_REQUIRE(server.stats().requests == 1u);
    BOOST_TEST(service.wait_for_stderr("caller hung up, rerank call cancelled", 10s),
               "the call was not cancelled");
    // The cancelled call's connection was closed, not returned to the pool.
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (server.stats().connections_open > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(10ms);
    BOOST_TEST(server.stats().connections_open == 0u);
    // And the service goes on serving.
    const auto reply = http_post(port, "/search", search_body("fox"));
    BOOST_TEST(reply.status == 200u, reply.error << reply.body);
}

#ifdef RERANK_TEST_SEARCH_SERVICE_METRICS
namespace {

/// The value of the sample `series` (name and labels as printed) in a text exposition; -1 when
/// absent.
double sample(const std::string& exposition, const std::string& series) {
    std::istringstream lines(exposition);
    for (std::string line; std::getline(lines, line);)
        if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
            line[series.size()] == ' ')
            return std::stod(line.substr(series.size() + 1));
    return -1;
}

} // namespace

BOOST_AUTO_TEST_CASE(serves_its_clients_metrics_after_searches) {
    // Three searches (4 candidates each), one retried after a 503, one throttled then sent
    // again, and one the client refuses before sending.
    server.push_fault(rerank::emulator::fault::status(
        503, R"({"code":"ModelUnavailable","message":"busy","request_id":"r-503"})"));
    for (int i = 0; i < 2; ++i) {
        const auto reply = http_post(port, "/search", search_body("fox"));
        BOOST_TEST_REQUIRE(reply.status == 200u, reply.error << reply.body);
    }
    server.push_fault(rerank::emulator::fault::status(
        429, R"({"code":"Throttling.RateQuota","message":"slow down","request_id":"r-429"})",
        {{"Retry-After", "0"}}));
    auto reply = http_post(port, "/search", search_body("paris"));
    BOOST_TEST_REQUIRE(reply.status == 200u, reply.error << reply.body);
    reply = http_post(port, "/search", search_body(""));
    BOOST_TEST_REQUIRE(reply.status == 400u, reply.body);

    const auto metrics = http_get(port, "/metrics");
    BOOST_TEST_REQUIRE(metrics.status == 200u, metrics.error << metrics.body);
    const std::string& text = metrics.body;
    BOOST_TEST_MESSAGE(text);
    const std::string labels = R"(dialect="dashscope",model="qwen3-rerank",status=)";
    BOOST_TEST(sample(text, "rerank_requests_total{" + labels + R"("200"})") == 3);
    BOOST_TEST(sample(text, "rerank_requests_total{" + labels + R"("503"})") == 1);
    BOOST_TEST(sample(text, "rerank_requests_total{" + labels + R"("429"})") == 1);
    BOOST_TEST(sample(text, "rerank_request_duration_seconds_count") == 5);
    BOOST_TEST(sample(text, "rerank_call_duration_seconds_count") == 4);
    BOOST_TEST(sample(text, R"(rerank_retries_total{reason="transient"})") == 1);
    BOOST_TEST(sample(text, R"(rerank_retries_total{reason="throttled"})") == 1);
    BOOST_TEST(sample(text, "rerank_throttled_total") == 1);
    BOOST_TEST(sample(text, "rerank_documents_total") == 16); // the refused call's too
    BOOST_TEST(server.stats().responses_by_status[200] == 3u);
    BOOST_TEST(sample(text, "rerank_tokens_total") > 0);
    BOOST_TEST(sample(text, R"(rerank_cache_lookups_total{result="hit"})") == 0);
    BOOST_TEST(sample(text, R"(rerank_cache_lookups_total{result="miss"})") == 0);
    // Idle between searches: the connection waits in the pool.
    BOOST_TEST(sample(text, R"(rerank_pool_connections{state="idle"})") >= 1);
    BOOST_TEST(sample(text, R"(rerank_pool_connections{state="in_use"})") == 0);
    BOOST_TEST(text.find("# TYPE rerank_request_duration_seconds histogram") != std::string::npos);
    BOOST_TEST(text.find("# TYPE rerank_requests_total counter") != std::string::npos);
}
#endif

BOOST_AUTO_TEST_CASE(stops_on_sigterm) {
    service.signal(SIGTERM);
    const auto outcome = service.wait(10s);
    BOOST_TEST(outcome.status == 0, outcome.err);
}

BOOST_AUTO_TEST_SUITE_END()
