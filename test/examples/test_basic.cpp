// examples/basic: ranks four documents through the emulator and prints the ranking.
#include "examples/example_fixture.hpp"
#include "support/child_process.hpp"

#include <boost/test/unit_test.hpp>

#include <sstream>

using namespace rerank::test;
using namespace std::chrono_literals;

BOOST_FIXTURE_TEST_SUITE(example_basic, example_fixture)

BOOST_AUTO_TEST_CASE(prints_every_document_best_first) {
    const auto run = run_process({example_program("basic")}, env(), 30s);
    BOOST_TEST_REQUIRE(run.status == 0, "stderr: " << run.err);
    std::istringstream lines(run.out);
    std::vector<std::string> ranking;
    for (std::string line; std::getline(lines, line);)
        ranking.push_back(line);
    BOOST_TEST_REQUIRE(ranking.size() == 4u, run.out);
    // "score  [index] text": the passage about rerankers first, scores non-increasing.
    BOOST_TEST(ranking[0].find("[1] A reranker orders candidate passages") != std::string::npos,
               ranking[0]);
    double previous = 2;
    for (const auto& line : ranking) {
        const double score = std::stod(line);
        BOOST_TEST(score <= previous);
        previous = score;
    }
    for (const char* doc : {"[0] The quick brown fox", "[2] Rerank models", "[3] Paris"})
        BOOST_TEST(run.out.find(doc) != std::string::npos, doc);
    BOOST_TEST(server.stats().requests == 1u);
}

BOOST_AUTO_TEST_CASE(a_wrong_key_fails_with_the_error_class_and_exit_status_1) {
    auto e = env();
    e.back() = "DASHSCOPE_API_KEY=not-the-key";
    const auto run = run_process({example_program("basic")}, e, 30s);
    BOOST_TEST(run.status == 1);
    BOOST_TEST(run.out.empty());
    BOOST_TEST(run.err.find("authentication_failed") != std::string::npos, run.err);
}

BOOST_AUTO_TEST_SUITE_END()
