// examples/fallback: DashScope first, Cohere when DashScope cannot answer.
#include "examples/example_fixture.hpp"
#include "support/child_process.hpp"
#include "support/emulator_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace rerank::test;
using namespace std::chrono_literals;

namespace {

// The example's environment: DashScope at `primary_url`, Cohere at a second emulator's.
struct fallback_fixture : example_fixture {
    fallback_fixture()
        : cohere(tls_emulator_options(rerank::dialect::cohere)) {
        cohere.start();
    }
    std::vector<std::string> env_with(const std::string& primary_url) const {
        auto e = env();
        e.front() = "RERANK_BASE_URL=" + primary_url;
        e.push_back("RERANK_FALLBACK_BASE_URL=" + cohere.base_url(rerank::dialect::cohere));
        e.push_back("COHERE_API_KEY=" + cohere.options().api_key);
        return e;
    }
    rerank::emulator::server cohere;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(example_fallback, fallback_fixture)

BOOST_AUTO_TEST_CASE(dashscope_answers_when_it_can) {
    const auto run = run_process({example_program("fallback")}, env_with(server.base_url()), 30s);
    BOOST_TEST_REQUIRE(run.status == 0, "stderr: " << run.err);
    BOOST_TEST(run.out.find("answered by dashscope (scores: probabilities)") == 0u, run.out);
    BOOST_TEST(run.out.find("[1] A reranker orders") != std::string::npos, run.out);
    BOOST_TEST(cohere.stats().requests == 0u);
}

BOOST_AUTO_TEST_CASE(cohere_answers_when_dashscope_fails) {
    for (int i = 0; i < 2; ++i) // every attempt the example allows
        server.push_fault(rerank::emulator::fault::status(
            503, R"({"request_id":"r","code":"ServiceUnavailable","message":"down"})"));
    const auto run = run_process({example_program("fallback")}, env_with(server.base_url()), 30s);
    BOOST_TEST_REQUIRE(run.status == 0, "stderr: " << run.err);
    BOOST_TEST(run.err.find("dashscope failed: ") == 0u, run.err);
    BOOST_TEST(run.out.find("answered by cohere (scores: probabilities)") == 0u, run.out);
    BOOST_TEST(run.out.find("[1] A reranker orders") != std::string::npos, run.out);
    BOOST_TEST(server.stats().requests == 2u);
    BOOST_TEST(cohere.stats().requests == 1u);
}

BOOST_AUTO_TEST_CASE(a_wrong_request_is_not_sent_elsewhere) {
    auto e = env_with(server.base_url());
    e[2] = "DASHSCOPE_API_KEY=not-the-key"; // authentication fails: Cohere would not help
    const auto run = run_process({example_program("fallback")}, e, 30s);
    BOOST_TEST(run.status == 1);
    BOOST_TEST(run.err.find("dashscope failed") != std::string::npos, run.err);
    BOOST_TEST(cohere.stats().requests == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
