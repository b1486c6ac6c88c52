// The `rerank` command line: output format, exit codes, messages (a stable interface).
#include "support/child_process.hpp"
#include "support/emulator_fixture.hpp"
#include "support/paths.hpp"
#include "support/redis_server.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace rerank;
using namespace rerank::test;

namespace {

const std::string documents_jsonl = R"({"text": "Paris is the capital of France."}
{"text": "A rerank model orders documents by relevance to a query."}
{"text": "Bananas are yellow.", "id": 7}
"Reranking improves search results."
)";

std::string cli_path() {
    return binary_path("src/cli/rerank");
}

// Each run of the CLI; a hung one is killed and fails its test.
constexpr std::chrono::milliseconds limit = std::chrono::seconds(60);

// The arguments as one line, for messages.
std::string joined(const std::vector<std::string>& args) {
    std::string line;
    for (const auto& a : args)
        line += (line.empty() ? "" : " ") + a;
    return line;
}

struct cli_fixture {
    cli_fixture()
        : server(tls_emulator_options()) {
        server.start();
    }

    // The CLI against the emulator over TLS, documents on stdin, key in RERANK_TEST_KEY.
    child_process::outcome rank(const std::vector<std::string>& extra,
                                const std::string& key = "emulator-key",
                                const std::string& docs = documents_jsonl,
                                std::vector<std::string> env = {}) {
        std::vector<std::string> argv = {cli_path(),        "--documents",     "-",
                                         "--base-url",      server.base_url(), "--api-key-env",
                                         "RERANK_TEST_KEY", "--ca-file",       cert_path("ca.pem")};
        argv.insert(argv.end(), extra.begin(), extra.end());
        env.push_back("RERANK_TEST_KEY=" + key);
        return run_process(std::move(argv), std::move(env), limit, docs);
    }
    emulator::server server;
};

// The CLI with `--dialect d` against a fresh HTTPS emulator speaking `d` (its key in
// RERANK_TEST_KEY): for end-to-end runs per dialect.
struct dialect_run {
    child_process::outcome outcome;
    emulator::server_stats served;
};
dialect_run rank_in(dialect d, const std::vector<std::string>& extra, emulator::options opts) {
    emulator::server server(std::move(opts));
    server.start();
    std::vector<std::string> argv = {cli_path(),
                                     "--documents",
                                     "-",
                                     "--dialect",
                                     std::string(to_string(d)),
                                     "--base-url",
                                     server.base_url(d),
                                     "--api-key-env",
                                     "RERANK_TEST_KEY",
                                     "--ca-file",
                                     cert_path("ca.pem")};
    argv.insert(argv.end(), extra.begin(), extra.end());
    dialect_run run{
        run_process(std::move(argv), {"RERANK_TEST_KEY=emulator-key"}, limit, documents_jsonl), {}};
    run.served = server.stats();
    return run;
}

dialect_run rank_in(dialect d, const std::vector<std::string>& extra) {
    return rank_in(d, extra, tls_emulator_options(d));
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(cli, cli_fixture)

BOOST_AUTO_TEST_CASE(prints_one_json_object_in_the_documented_order) {
    auto r = rank({"--query", "what is a rerank model", "--top-n", "3"});
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    // score_kind says what relevance_score measures, beside the results.
    BOOST_TEST(
        r.out.find(R"({"model":"qwen3-rerank","score_kind":"probability","results":[{"index":)") ==
            0u,
        r.out);
    const auto usage = r.out.find(R"(],"usage":{"total_tokens":)");
    BOOST_TEST(usage != std::string::npos);
    BOOST_TEST(r.out.find(R"(},"requests":1,"throttled":0,"admission_wait_ms":0})", usage) !=
               std::string::npos);
    auto json = boost::json::parse(r.out).as_object();
    auto& results = json.at("results").as_array();
    BOOST_TEST(results.size() == 3u);
    BOOST_TEST(results[0].at("index").as_int64() == 1);
    BOOST_TEST(results[0].at("document").as_string() ==
               "A rerank model orders documents by relevance to a query.");
    BOOST_TEST(results[0].at("relevance_score").as_double() >=
               results[1].at("relevance_score").as_double());
    BOOST_TEST(json.at("usage").at("total_tokens").as_int64() > 0);
    // Scores print as plain decimals.
    BOOST_TEST(r.out.find("E-") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(table_output_for_people) {
    auto r = rank({"--query", "what is a rerank model", "--table"});
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    BOOST_TEST(r.out.find("rank  index   score   document") == 0u);
    BOOST_TEST(r.out.find("A rerank model orders documents") != std::string::npos);
    BOOST_TEST(r.out.find("model qwen3-rerank, 1 request") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(native_dialect_and_query_file) {
    const std::string query_file =
        std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + "/rerank-cli-query-" +
        std::to_string(::getpid());
    { std::ofstream(query_file) << "what is a rerank model"; }
    auto r =
        run_process({cli_path(), "--documents", "-", "--dialect", "dashscope-native", "--base-url",
                     server.base_url(dialect::dashscope_native), "--api-key-env", "RERANK_TEST_KEY",
                     "--ca-file", cert_path("ca.pem"), "--query-file", query_file},
                    {"RERANK_TEST_KEY=emulator-key"}, limit, documents_jsonl);
    std::remove(query_file.c_str());
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    BOOST_TEST(boost::json::parse(r.out).at("results").as_array().size() == 4u);
}

BOOST_AUTO_TEST_CASE(every_dialect_runs_end_to_end_against_its_emulator) {
    for (dialect d : all_dialects) {
        std::vector<std::string> args = {"--query", "what is a rerank model", "--top-n", "2"};
        if (d == dialect::nim) // NIM has no default model: it must be named
            args.insert(args.end(), {"--model", "nvidia/llama-3.2-nv-rerankqa-1b-v2"});
        const dialect_run run = rank_in(d, args);
        BOOST_TEST_REQUIRE(run.outcome.status == 0, to_string(d) << ": " << run.outcome.err);
        const auto json = boost::json::parse(run.outcome.out).as_object();
        const auto& results = json.at("results").as_array();
        BOOST_TEST(results.size() == 2u, to_string(d));
        // The best document by the emulator's BM25, whatever the API's shape.
        BOOST_TEST(results[0].at("index").as_int64() == 1, to_string(d));
        BOOST_TEST(json.at("score_kind").as_string() ==
                       (d == dialect::nim ? "logit" : "probability"),
                   to_string(d));
        BOOST_TEST(run.served.requests == 1u, to_string(d));
    }
}

// What issue #12 calls a server with lower limits than ours: the client does not know them, the
// server refuses in its own words, and the call is split until it fits.
BOOST_AUTO_TEST_CASE(every_dialect_splits_for_a_server_with_lower_limits) {
    for (dialect d : all_dialects) {
        emulator::options fewer = tls_emulator_options(d);
        fewer.max_documents = 2;
        std::vector<std::string> args = {"--query", "what is a rerank model"};
        if (d == dialect::nim)
            args.insert(args.end(), {"--model", "nvidia/llama-3.2-nv-rerankqa-1b-v2"});
        const dialect_run run = rank_in(d, args, fewer);
        BOOST_TEST_REQUIRE(run.outcome.status == 0, to_string(d) << ": " << run.outcome.err);
        const auto json = boost::json::parse(run.outcome.out).as_object();
        BOOST_TEST(json.at("results").as_array().size() == 4u, to_string(d));
        BOOST_TEST(json.at("requests").as_int64() == 2, to_string(d));
        BOOST_TEST(json.contains("limits_note"), to_string(d));
        BOOST_TEST(run.served.requests == 3u, to_string(d)); // one refusal, then two halves
    }
}

BOOST_AUTO_TEST_CASE(self_hosted_dialects_need_a_base_url) {
    for (const char* name : {"tei", "nim"}) {
        auto r = run_process({cli_path(), "--documents", "-", "--query", "q", "--dialect", name},
                             {}, limit, documents_jsonl);
        BOOST_TEST(r.status == 2, name << ": " << r.err);
        BOOST_TEST(r.err.find(std::string("--dialect ") + name + " needs --base-url") !=
                       std::string::npos,
                   r.err);
        BOOST_TEST(r.out.empty());
    }
}

// Nothing listens on 127.0.0.1:1: a dialect the CLI takes fails to connect (exit 4), where one it
// refuses would exit 2 before sending anything.
BOOST_AUTO_TEST_CASE(every_dialect_and_alias_is_accepted) {
    std::vector<std::string> names;
    for (dialect d : all_dialects)
        names.emplace_back(to_string(d));
    for (const char* alias : {"vllm", "llamacpp", "llama.cpp", "dashscope_native"})
        names.emplace_back(alias);
    for (const std::string& name : names) {
        auto r =
            run_process({cli_path(), "--documents", "-", "--query", "q", "--dialect", name,
                         "--base-url", "http://127.0.0.1:1/v1", "--model", "m", "--max-attempts",
                         "1", "--timeout", "10", "--api-key-env", "RERANK_TEST_NO_SUCH_KEY"},
                        {}, limit, documents_jsonl);
        BOOST_TEST(r.status == 4, name << ": " << r.status << " " << r.err);
    }
    auto help = run_process({cli_path(), "--help"}, {}, limit, "");
    BOOST_TEST(help.out.find("tei               none: --base-url is required") !=
               std::string::npos);
    BOOST_TEST(help.out.find("jina (or vllm, llamacpp)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_key_is_the_dialects_variable_unless_api_key_env_names_another) {
    const std::vector<std::string> base = {
        cli_path(),   "--documents",     "-",         "--query",           "q",
        "--base-url", server.base_url(), "--ca-file", cert_path("ca.pem"), "--max-attempts",
        "1"};
    auto r = run_process(base, {"DASHSCOPE_API_KEY=emulator-key"}, limit, documents_jsonl);
    BOOST_TEST(r.status == 0, r.err);
    std::vector<std::string> other = base;
    other.insert(other.end(), {"--api-key-env", "RERANK_TEST_NO_SUCH_KEY"});
    r = run_process(other, {"DASHSCOPE_API_KEY=emulator-key"}, limit, documents_jsonl);
    BOOST_TEST(r.status == 3, r.err); // no key sent: 401
    BOOST_TEST(r.err.find("HTTP 401") != std::string::npos, r.err);
    other.back() = "";
    r = run_process(other, {}, limit, documents_jsonl);
    BOOST_TEST(r.status == 2, r.err);
}

BOOST_AUTO_TEST_CASE(bad_input_exits_2_and_sends_nothing) {
    struct row {
        std::vector<std::string> args;
        std::string docs;
        std::string message;
    };
    const std::vector<row> rows = {
        {{}, documents_jsonl, "a query is required"},
        {{"--query", "q", "--top-n", "0"}, documents_jsonl, "--top-n"},
        {{"--query", "q", "--top-n", "x"}, documents_jsonl, "--top-n"},
        {{"--query", "q", "--timeout", "-1"}, documents_jsonl, "--timeout"},
        {{"--query", "q", "--dialect", "openai"}, documents_jsonl, "--dialect"},
        {{"--query", "q", "--frobnicate"}, documents_jsonl, "unknown argument"},
        {{"--query", "q", "--rpm", "-1"}, documents_jsonl, "--rpm must be a number"},
        {{"--query", "q", "--rpm", "fast"}, documents_jsonl, "--rpm must be a number"},
        {{"--query", "q", "--tpm", "1e999"}, documents_jsonl, "--tpm must be a number"},
        {{"--query", "q", "--tpm"}, documents_jsonl, "--tpm needs a value"},
        {{"--query", "q", "--quota-redis", "localhost:6379"}, documents_jsonl, "--quota-redis"},
        {{"--query", "q", "--quota-key", ""}, documents_jsonl, "--quota-key"},
        {{"--query", "q"}, "{\"text\": \"a\"}\n\n{\"text\": \"b\"}\n", "line 2: empty line"},
        {{"--query", "q"}, "{\"text\": \"a\"}\n{\"txt\": \"b\"}\n", "line 2"},
        {{"--query", "q"}, "{\"text\": \"a\"}\nnot json\n", "line 2: not valid JSON"},
        {{"--query", ""}, documents_jsonl, "query"},
        {{"--query", "q"}, "", "no documents"},
    };
    for (const auto& row : rows) {
        auto r = rank(row.args, "emulator-key", row.docs);
        BOOST_TEST(r.status == 2, joined(row.args) << " -> " << r.status << " " << r.err);
        BOOST_TEST(r.err.find(row.message) != std::string::npos, joined(row.args) << ": " << r.err);
        BOOST_TEST(r.out.empty());
    }
    BOOST_TEST(server.stats().requests == 0u);
}

BOOST_AUTO_TEST_CASE(api_errors_exit_3_with_a_one_line_message) {
    auto r = rank({"--query", "q", "--max-attempts", "1"}, "sk-wrong-key");
    BOOST_TEST(r.status == 3);
    BOOST_TEST(r.err.find("authentication_failed") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("HTTP 401") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("invalid_api_key") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("request id") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("sk-wrong-key") == std::string::npos);
    BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1);

    server.push_fault(emulator::fault::status(
        503, R"({"request_id":"r-9","code":"ModelUnavailable","message":"busy"})"));
    r = rank({"--query", "q", "--max-attempts", "1"});
    BOOST_TEST(r.status == 3);
    BOOST_TEST(r.err.find("server_error") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("r-9") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(network_tls_and_timeouts_exit_4) {
    // No --ca-file: the emulator's certificate is not trusted.
    auto r = run_process({cli_path(), "--documents", "-", "--query", "q", "--api-key-env", "K",
                          "--base-url", server.base_url()},
                         {"K=emulator-key"}, limit, documents_jsonl);
    BOOST_TEST(r.status == 4, r.err);
    BOOST_TEST(r.err.find("tls_failure") != std::string::npos, r.err);

    server.push_fault(emulator::fault::stall());
    r = rank({"--query", "q", "--timeout", "0.5"});
    BOOST_TEST(r.status == 4, r.err);
    BOOST_TEST(r.err.find("timeout") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(retries_are_reported_and_succeed) {
    server.push_fault(emulator::fault::status(
        503, R"({"request_id":"r-1","code":"ModelUnavailable","message":"busy"})",
        {{"Retry-After", "0"}}));
    auto r = rank({"--query", "q"});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(server.stats().requests == 2u);
}

// Whether `text` holds no control character but the line ends: no C0 byte, DEL or C1 (C2 80..9F).
bool only_line_breaks(const std::string& text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 && c != '\n') || c == 0x7f ||
            (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xa0))
            return false;
    }
    return true;
}

BOOST_AUTO_TEST_CASE(server_strings_are_escaped_on_stderr) {
    server.push_fault(emulator::fault::status(
        503,
        R"({"request_id":"r\u001b[2J\r","code":"Busy\u0007","message":"a\u001b]0;title\u0007\nb\u009b"})"));
    auto r = rank({"--query", "q", "--max-attempts", "1"});
    BOOST_TEST(r.status == 3, r.err);
    BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
    BOOST_TEST(only_line_breaks(r.err), r.err);
    BOOST_TEST(
        r.err.find(R"(code Busy\x07, request id r\x1b[2J\x0d: a\x1b]0;title\x07\x0ab\u009b)") !=
            std::string::npos,
        r.err);
}

BOOST_AUTO_TEST_CASE(table_escapes_the_model_and_documents) {
    const std::string docs = R"({"text": "plain"})"
                             "\n"
                             R"({"text": "red \u001b[31m alert\u0007"})"
                             "\n";
    const std::string body =
        R"({"id":"t","object":"list","model":"qwen\u001b[31m\r\u0007\u009b\u007f","results":[)"
        R"({"index":1,"relevance_score":0.9,"document":{"text":"x\u001b"}},)"
        R"({"index":0,"relevance_score":0.5,"document":{"text":"plain"}}],)"
        R"("usage":{"total_tokens":10}})";
    server.push_fault(emulator::fault::status(200, body));
    auto r = rank({"--query", "q", "--table"}, "emulator-key", docs);
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    BOOST_TEST(only_line_breaks(r.out), r.out);
    BOOST_TEST(r.out.find(R"(red \x1b[31m alert\x07)") != std::string::npos, r.out);
    BOOST_TEST(r.out.find(R"(model qwen\x1b[31m\x0d\x07\u009b\x7f, 1 request)") !=
                   std::string::npos,
               r.out);

    // JSON output escapes them its own way.
    server.push_fault(emulator::fault::status(200, body));
    r = rank({"--query", "q"}, "emulator-key", docs);
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    BOOST_TEST(only_line_breaks(r.out), r.out);
    BOOST_TEST(r.out.find(R"("model":"qwen\u001b[31m\r\u0007\u009b\u007f")") != std::string::npos,
               r.out);
    BOOST_TEST(boost::json::parse(r.out).at("model").as_string() ==
               "qwen\x1b[31m\r\x07\xc2\x9b\x7f");
}

BOOST_AUTO_TEST_CASE(a_retried_failure_is_one_line_unless_verbose) {
    const auto busy = [] {
        return emulator::fault::status(
            503, R"({"request_id":"r-1","code":"ModelUnavailable","message":"busy"})",
            {{"Retry-After", "0"}});
    };
    server.push_fault(busy());
    server.push_fault(busy());
    auto r = rank({"--query", "q", "--max-attempts", "2"});
    BOOST_TEST(r.status == 3, r.err);
    BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
    BOOST_TEST(r.err.find("2 attempts") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("attempt 1:") == std::string::npos, r.err);

    server.push_fault(busy());
    server.push_fault(busy());
    r = rank({"--query", "q", "--max-attempts", "2", "--verbose"});
    BOOST_TEST(r.status == 3, r.err);
    BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 3, r.err);
    const auto first = r.err.find("\nattempt 1: server_error (HTTP 503, code ModelUnavailable");
    const auto second = r.err.find("\nattempt 2: server_error (HTTP 503");
    BOOST_TEST(first != std::string::npos, r.err);
    BOOST_TEST(second > first, r.err);
    // The summary says the count once; the attempt lines do not repeat it.
    BOOST_TEST(r.err.find("attempts", first) == std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(base_url_secrets_are_refused_and_not_echoed) {
    const std::string host = server.base_url().substr(std::string("https://").size());
    for (const std::string& url : {"https://user:s3cret@" + host, server.base_url() + "?key=s3cret",
                                   "https://user:s3/cret@" + host + "?key=s3cret"}) {
        auto r = rank({"--query", "q", "--base-url", url});
        BOOST_TEST(r.status == 2, url << " -> " << r.status << " " << r.err);
        BOOST_TEST(r.err.find("s3") == std::string::npos, r.err);
        BOOST_TEST(r.err.find("***") != std::string::npos, r.err);
        BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
    }
    BOOST_TEST(server.stats().requests == 0u);
}

// 0.0.0.0 is not loopback, yet on Linux a connection to it reaches this machine's own listeners:
// the opted-in run stays on this machine.
BOOST_AUTO_TEST_CASE(plain_http_with_a_key_off_loopback_needs_allow_insecure_http) {
    emulator::server plain{emulator::options{}};
    plain.start();
    const std::string port = std::to_string(plain.port());
    const std::string off_loopback = "http://0.0.0.0:" + port + "/compatible-api/v1";
    auto r = rank({"--query", "q", "--base-url", off_loopback});
    BOOST_TEST(r.status == 2, r.err);
    BOOST_TEST(r.err.find("--allow-insecure-http") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("emulator-key") == std::string::npos, r.err);
    BOOST_TEST(plain.stats().requests == 0u);

    r = rank({"--query", "q", "--base-url", off_loopback, "--allow-insecure-http"});
    BOOST_TEST(r.status == 0, r.err);
    r = rank({"--query", "q", "--base-url", "http://localhost:" + port + "/compatible-api/v1"});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(plain.stats().requests == 2u);
    plain.stop();
}

BOOST_AUTO_TEST_CASE(pacing_flags_are_accepted) {
    for (const std::vector<std::string>& flags :
         {std::vector<std::string>{"--rpm", "600", "--tpm", "100000.5"},
          std::vector<std::string>{"--rpm", "0", "--quota-key", "nightly job", "--no-adaptive"}}) {
        std::vector<std::string> args{"--query", "rerank model"};
        args.insert(args.end(), flags.begin(), flags.end());
        auto r = rank(args);
        BOOST_TEST(r.status == 0, joined(args) << ": " << r.err);
    }
    BOOST_TEST(server.stats().requests == 2u);
}

// A server that throttles at 2 requests per second, 4 sub-requests at once: the CLI waits the
// throttling out, succeeds, and says how many answers were throttled; paced under that rate,
// none are.
BOOST_AUTO_TEST_CASE(throttling_is_waited_out_and_reported) {
    emulator::options o = tls_emulator_options();
    o.requests_per_minute = 120;
    auto throttling = std::make_unique<emulator::server>(o);
    throttling->start();
    auto run = [&](std::vector<std::string> flags) {
        std::vector<std::string> argv = {cli_path(),
                                         "--documents",
                                         "-",
                                         "--base-url",
                                         throttling->base_url(),
                                         "--api-key-env",
                                         "RERANK_TEST_KEY",
                                         "--ca-file",
                                         cert_path("ca.pem"),
                                         "--query",
                                         "rerank model",
                                         "--max-documents",
                                         "1"};
        argv.insert(argv.end(), flags.begin(), flags.end());
        return run_process(std::move(argv), {"RERANK_TEST_KEY=emulator-key"}, limit,
                           documents_jsonl);
    };
    auto r = run({"--max-attempts", "1"}); // throttling spends no attempt
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    auto json = boost::json::parse(r.out).as_object();
    BOOST_TEST(json.at("requests").as_int64() == 4);
    BOOST_TEST(json.at("throttled").as_int64() >= 1);
    BOOST_TEST(static_cast<std::size_t>(json.at("throttled").as_int64()) ==
               throttling->stats().throttled);

    // A fresh server: the quota the first run used up is its own.
    throttling = std::make_unique<emulator::server>(o);
    throttling->start();
    r = run({"--rpm", "100", "--table"});
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    BOOST_TEST(throttling->stats().throttled == 0u);
    BOOST_TEST(r.out.find("4 requests") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("throttled") == std::string::npos, r.out);
    BOOST_TEST(r.out.find("paced: requests waited") != std::string::npos, r.out);
}

// Three processes share one quota through Redis, each paced to the account's 4 requests per
// second, against a server enforcing just that: none is throttled, and together they take
// the time the one quota needs (alone, each would send its 8 requests in its first second).
BOOST_AUTO_TEST_CASE(processes_sharing_a_redis_quota_are_never_throttled) {
    redis_server redis;
    emulator::options o = tls_emulator_options();
    o.requests_per_minute = 240;
    emulator::server limited(o);
    limited.start();
    const std::string eight_documents = documents_jsonl + documents_jsonl;
    std::vector<std::unique_ptr<child_process>> workers;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 3; ++i)
        workers.push_back(std::make_unique<child_process>(
            std::vector<std::string>{cli_path(), "--documents", "-", "--base-url",
                                     limited.base_url(), "--api-key-env", "RERANK_TEST_KEY",
                                     "--ca-file", cert_path("ca.pem"), "--query", "rerank model",
                                     "--max-documents", "1", "--rpm", "240", "--quota-redis",
                                     redis.url(), "--quota-key", "cli-test"},
            std::vector<std::string>{"RERANK_TEST_KEY=emulator-key"}, eight_documents));
    std::int64_t throttled = 0;
    for (auto& worker : workers) {
        auto r = worker->wait(limit);
        BOOST_TEST_REQUIRE(r.status == 0, r.err);
        auto json = boost::json::parse(r.out).as_object();
        BOOST_TEST(json.at("requests").as_int64() == 8);
        throttled += json.at("throttled").as_int64();
    }
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    BOOST_TEST(throttled == 0);
    BOOST_TEST(limited.stats().throttled == 0u);
    BOOST_TEST(limited.stats().requests == 24u);
    // 24 requests at 4 per second, the first 3.8 at once (95 % of the burst): 5 s.
    BOOST_TEST(took >= 4.5, took << " s");
    // The quota's state lives in Redis, under a name of the caller's choosing.
    BOOST_TEST(redis.cli({"EXISTS", "rerank:quota:cli-test:requests"}) == "1");
}

// A well-formed URL fails on the wrong key (3), with nothing listening on port 1 (the store
// never answers: each process paces alone); a malformed one is bad input (2).
BOOST_AUTO_TEST_CASE(the_quota_redis_password_is_never_printed) {
    const std::vector<std::pair<std::string, int>> cases{{"redis://:s3cret@127.0.0.1:1/0", 3},
                                                         {"redis:/:s3cret@127.0.0.1", 2}};
    for (const auto& [url, status] : cases) {
        auto r = rank({"--query", "q", "--quota-redis", url, "--verbose", "--max-attempts", "2"},
                      "wrong-key");
        BOOST_TEST(r.status == status, url << " -> " << r.status << " " << r.err);
        BOOST_TEST(r.err.find("s3cret") == std::string::npos, r.err);
        BOOST_TEST(r.out.find("s3cret") == std::string::npos, r.out);
    }
}

// Nothing listens on the proxy's port: through it, the call fails as a network error (4) naming
// the proxy without its password; --no-proxy ignores the environment's proxy.
BOOST_AUTO_TEST_CASE(proxy_flags_choose_the_proxy_and_never_print_its_password) {
    const std::string dead = "127.0.0.1:" + std::to_string(unused_loopback_port());
    auto r = rank({"--query", "q", "--proxy", "http://user:s3cret@" + dead, "--max-attempts", "1"});
    BOOST_TEST(r.status == 4, r.err);
    BOOST_TEST(r.err.find("proxy http://***@" + dead) != std::string::npos, r.err);
    BOOST_TEST(r.err.find("s3cret") == std::string::npos, r.err);

    const std::vector<std::string> env = {"https_proxy=http://" + dead, "no_proxy=", "NO_PROXY="};
    r = rank({"--query", "q", "--max-attempts", "1"}, "emulator-key", documents_jsonl, env);
    BOOST_TEST(r.status == 4, r.err);
    r = rank({"--query", "q", "--no-proxy"}, "emulator-key", documents_jsonl, env);
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(server.stats().requests == 1u);

    r = rank({"--query", "q", "--no-proxy", "--proxy", "http://" + dead});
    BOOST_TEST(r.status == 2, r.err);
    r = rank({"--query", "q", "--proxy"});
    BOOST_TEST(r.status == 2, r.err);
}

BOOST_AUTO_TEST_CASE(batching_flags_split_the_call) {
    auto r = rank({"--query", "rerank model", "--max-documents", "2", "--concurrency", "2"});
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    auto json = boost::json::parse(r.out).as_object();
    BOOST_TEST(json.at("requests").as_int64() == 2);
    BOOST_TEST(json.at("results").as_array().size() == 4u);
    BOOST_TEST(server.stats().requests == 2u);
}

// A server whose real limits are below ours: the call still succeeds, and says why it split.
BOOST_AUTO_TEST_CASE(a_server_with_lower_limits_than_ours_is_not_a_failure) {
    emulator::options opts = tls_emulator_options();
    opts.max_documents = 2;
    emulator::server lower(opts);
    lower.start();
    auto r = run_process({cli_path(), "--documents", "-", "--base-url", lower.base_url(),
                          "--api-key-env", "RERANK_TEST_KEY", "--ca-file", cert_path("ca.pem"),
                          "--query", "rerank model"},
                         {"RERANK_TEST_KEY=emulator-key"}, limit, documents_jsonl);
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    auto json = boost::json::parse(r.out).as_object();
    BOOST_TEST(json.at("requests").as_int64() == 2);
    BOOST_TEST(json.at("results").as_array().size() == 4u);
    const std::string note(json.at("limits_note").as_string());
    BOOST_TEST(note.find("2 documents per request") != std::string::npos, note);
    BOOST_TEST(lower.stats().responses_by_status[400] == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cli_tokens)

BOOST_AUTO_TEST_CASE(counts_exactly_and_estimates_conservatively) {
    const std::string input =
        "{\"text\": \"Hello world\"}\n{\"text\": \"12345\"}\n\"你好，世界！\"\n";
    auto exact = run_process({cli_path(), "tokens", "-"}, {}, limit, input);
    BOOST_TEST_REQUIRE(exact.status == 0, exact.err);
    BOOST_TEST(exact.out == "{\"n\":2}\n{\"n\":5}\n{\"n\":4}\n");
    auto estimate = run_process({cli_path(), "tokens", "--estimate"}, {}, limit, input);
    BOOST_TEST_REQUIRE(estimate.status == 0, estimate.err);
    std::istringstream lines(estimate.out);
    std::string line;
    std::vector<long> bounds;
    while (std::getline(lines, line))
        bounds.push_back(boost::json::parse(line).at("n").as_int64());
    BOOST_TEST_REQUIRE(bounds.size() == 3u);
    BOOST_TEST(bounds[0] >= 2);
    BOOST_TEST(bounds[1] >= 5);
    BOOST_TEST(bounds[2] >= 4);
    auto bad = run_process({cli_path(), "tokens", "/nonexistent.jsonl"}, {}, limit);
    BOOST_TEST(bad.status == 2);
}

BOOST_AUTO_TEST_SUITE_END()
