// The command line of rerank-bench: what load to generate against which endpoint.
#pragma once

#include <rerank/dialect.hpp>
#include <rerank/proxy_options.hpp>
#include <rerank/rate_limit_options.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rerank::bench {

/// Everything `rerank-bench` is told. Defaults are those of the usage text.
struct bench_options {
    /// `--base-url`: the API's base URL, as `client_options::base_url`. Required.
    std::string base_url;
    /// `--dialect`: any of `rerank::dialect_names()`. Default `dashscope` (the
    /// OpenAI-compatible `/reranks`).
    rerank::dialect dialect = rerank::dialect::dashscope;
    /// `--model`: the model named in every request. Default empty: the dialect's
    /// (`rerank::default_model`; `nim` has none and needs one).
    std::string model;
    /// `--ca-file`: extra trusted CA certificates (PEM). Default none.
    std::string ca_file;
    /// `--api-key-env`: the environment variable holding the API key. Default unset: the
    /// dialect's variables (`rerank::api_key_variables`, read by the client); a variable that is
    /// not set sends no `Authorization` header.
    std::optional<std::string> api_key_env;
    /// `--concurrency`: calls in flight at once (closed loop: workers; open loop: the bound on
    /// calls in flight). Default 64.
    std::size_t concurrency = 64;
    /// `--connections`: size of the client's connection pool. Default = concurrency.
    std::size_t connections = 0;
    /// `--duration` in seconds of the measured window; `--requests`: calls to complete in it
    /// instead. Neither: 10 s.
    std::optional<double> duration_s;
    std::optional<std::uint64_t> requests;
    /// `--warmup` in seconds before the window opens (calls run but are not counted). Default 1.
    double warmup_s = 1;
    /// `--rate`: open loop at this many calls per second on a fixed schedule. Default none
    /// (closed loop).
    std::optional<double> rate;
    /// `--documents`, `--doc-bytes`, `--query-bytes`: the shape of the one request sent over
    /// and over. Defaults 10 documents of 100 bytes, a query of 32 bytes.
    std::size_t documents = 10;
    std::size_t doc_bytes = 100;
    std::size_t query_bytes = 32;
    /// `--top-n`: sent as `top_n`. Default unset (all documents).
    std::optional<std::size_t> top_n;
    /// `--repeat-fraction F`: each call's documents are made anew, a fraction F of them
    /// (rounded) repeating documents of earlier calls (`repeating_workload`). Default unset:
    /// every call sends the same request.
    std::optional<double> repeat_fraction;
    /// `--seed N`: the seed of `--repeat-fraction`'s choices. Default 1.
    std::uint64_t seed = 1;
    /// `--cache-mb N`: a score cache of N MiB (`client_options::cache`). Default 0: none.
    std::size_t cache_mb = 0;
    /// `--threads`: threads running the io_context. Default 1.
    unsigned threads = 1;
    /// `--json`: one JSON object on stdout instead of the table.
    bool json = false;
    /// `--allow-insecure-http`: `client_options::allow_insecure_http`. Default false.
    bool allow_insecure_http = false;
    /// `--gzip` / `--no-gzip`: `client_options::accept_gzip`. Default unset (the client's
    /// default).
    std::optional<bool> accept_gzip;
    /// `--proxy URL` / `--no-proxy`: `client_options::proxy`. Default: from the environment.
    rerank::proxy_options proxy;
    /// `--rpm`, `--tpm`, `--quota-redis`, `--quota-key`, `--no-adaptive`: the client's pacing,
    /// as `client_options::rate_limit` (whose defaults apply when they are not given).
    rerank::rate_limit_options rate_limit;
};

/// What parsing the command line gave: options, a request for the usage text, or an error.
struct parse_outcome {
    bench_options options;
    bool help = false;
    /// Non-empty when the command line is invalid: says which argument and why.
    std::string error;
};

/// Parses `args` (without the program name). Pure: reads no environment, prints nothing.
parse_outcome parse_bench_options(const std::vector<std::string_view>& args);

/// The usage text printed by `--help`.
extern const std::string_view usage_text;

} // namespace rerank::bench
