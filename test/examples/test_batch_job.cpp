// examples/batch_job: ranks a JSON Lines file, reports bad records, and resumes.
#include "examples/example_fixture.hpp"
#include "support/child_process.hpp"

#include "support/paths.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>
#include <sstream>

using namespace rerank::test;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

void write_file(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::string record(int n) {
    return R"({"query": "topic)" + std::to_string(n) + R"( fox", "documents": ["a fox", "topic)" +
           std::to_string(n) + R"( and a fox", "nothing here"], "top_n": 2})";
}

// The output's lines by record number; fails the test on a malformed or repeated line.
std::map<std::int64_t, json::object> output_records(const std::string& path) {
    std::map<std::int64_t, json::object> out;
    std::istringstream lines(read_file(path));
    for (std::string line; std::getline(lines, line);) {
        auto obj = json::parse(line).as_object();
        const auto n = obj.at("record").as_int64();
        BOOST_TEST(!out.count(n), "record " << n << " written twice");
        out[n] = std::move(obj);
    }
    return out;
}

struct batch_fixture : example_fixture {
    std::string input = temp_path("in.jsonl");
    std::string output = temp_path("out.jsonl");

    child_process::outcome run_job(const std::vector<std::string>& flags = {}) {
        std::vector<std::string> argv{example_program("batch_job"), input, output, "--concurrency",
                                      "3"};
        argv.insert(argv.end(), flags.begin(), flags.end());
        return run_process(argv, env(), 60s);
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(example_batch_job, batch_fixture)

BOOST_AUTO_TEST_CASE(ranks_every_record_and_reports_bad_ones) {
    // Line 3 is not a record; line 5 is blank (skipped, not a record).
    write_file(input, record(1) + "\n" + record(2) + "\n{\"query\": 1}\n" + record(4) + "\n\n" +
                          record(6) + "\n");
    const auto run = run_job();
    BOOST_TEST(run.status == 1, run.err);
    BOOST_TEST(run.err.find("record 3: ") != std::string::npos, run.err);
    BOOST_TEST(run.err.find("4 ranked, 0 already done, 1 failed, of 5 records") !=
                   std::string::npos,
               run.err);
    const auto records = output_records(output);
    BOOST_TEST_REQUIRE(records.size() == 4u);
    for (int n : {1, 2, 4, 6}) {
        BOOST_TEST_REQUIRE(records.count(n) == 1u, "record " << n);
        const auto& results = records.at(n).at("results").as_array();
        BOOST_TEST_REQUIRE(results.size() == 2u);
        BOOST_TEST(results[0].at("index").as_int64() == 1); // "topicN and a fox"
        BOOST_TEST(records.at(n).at("total_tokens").as_int64() > 0);
    }
    BOOST_TEST(server.stats().requests == 4u);
}

BOOST_AUTO_TEST_CASE(a_rerun_skips_what_is_done_and_finishes_the_rest) {
    write_file(input, record(1) + "\n" + record(2) + "\n" + record(3) + "\n" + record(4) + "\n");
    // An earlier run did records 2 and 4, and was killed while writing a third line.
    {
        const auto first = run_job();
        BOOST_TEST_REQUIRE(first.status == 0, first.err);
    }
    auto records = output_records(output);
    BOOST_TEST_REQUIRE(records.size() == 4u);
    std::string kept = json::serialize(records.at(2)) + "\n" + json::serialize(records.at(4)) +
                       "\n" + R"({"record": 1, "results": [{"ind)";
    write_file(output, kept);
    server.reset_stats();

    const auto rerun = run_job();
    BOOST_TEST(rerun.status == 0, rerun.err);
    BOOST_TEST(rerun.err.find("2 ranked, 2 already done, 0 failed, of 4 records") !=
                   std::string::npos,
               rerun.err);
    BOOST_TEST(server.stats().requests == 2u);
    records = output_records(output); // the torn line is gone; 1 and 3 were appended
    BOOST_TEST(records.size() == 4u);

    // Nothing left to do: no request at all.
    server.reset_stats();
    const auto third = run_job();
    BOOST_TEST(third.status == 0, third.err);
    BOOST_TEST(server.stats().requests == 0u);
    BOOST_TEST(output_records(output).size() == 4u);
}

BOOST_AUTO_TEST_CASE(pacing_flags_are_taken_and_throttling_is_reported) {
    write_file(input, record(1) + "\n" + record(2) + "\n");
    const auto run =
        run_job({"--rpm", "60000", "--tpm", "1e9", "--quota-key", "nightly job", "--no-adaptive"});
    BOOST_TEST(run.status == 0, run.err);
    BOOST_TEST(run.err.find("2 ranked, 0 already done, 0 failed, of 2 records; ") !=
                   std::string::npos,
               run.err);
    BOOST_TEST(run.err.find(" throttling answers waited out") != std::string::npos, run.err);
    BOOST_TEST(output_records(output).size() == 2u);
}

BOOST_AUTO_TEST_CASE(bad_pacing_flags_exit_2_without_echoing_secrets) {
    write_file(input, record(1) + "\n");
    const std::vector<std::vector<std::string>> bad{
        {"--rpm", "-1"},
        {"--rpm", "lots"},
        {"--tpm", "nan"},
        {"--tpm"},
        {"--concurrency", "2.5"},
        {"--quota-key", ""},
        {"--quota-redis", "http://:s3cret@127.0.0.1:6379"},
        {"redis://:s3cret@127.0.0.1:6379"},
    };
    for (const auto& flags : bad) {
        const auto run = run_job(flags);
        BOOST_TEST(run.status == 2, flags.front() << ": " << run.err);
        BOOST_TEST(run.err.find("s3cret") == std::string::npos, run.err);
    }
    BOOST_TEST(server.stats().requests == 0u);
}

BOOST_AUTO_TEST_CASE(bad_arguments_exit_2) {
    BOOST_TEST(run_process({example_program("batch_job")}, env(), 10s).status == 2);
    const auto missing =
        run_process({example_program("batch_job"), temp_path("none.jsonl"), output}, env(), 10s);
    BOOST_TEST(missing.status == 2);
    BOOST_TEST(missing.err.find("cannot read") != std::string::npos, missing.err);
}

BOOST_AUTO_TEST_SUITE_END()
