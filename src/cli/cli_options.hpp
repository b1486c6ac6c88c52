// The command line of `rerank`: what it accepts and how it is parsed.
#pragma once

#include <rerank/client_options.hpp>
#include <rerank/request.hpp>

#include <optional>
#include <string>
#include <vector>

namespace rerank::cli {

/// Exit codes: a stable interface that scripts rely on.
enum exit_code : int {
    exit_ok = 0,
    exit_failure = 1,   ///< unexpected internal failure
    exit_bad_input = 2, ///< bad arguments or input; nothing was sent
    exit_api_error = 3, ///< the API answered with an error (or an unusable answer)
    exit_network = 4,   ///< network, TLS or timeout
};

/// `rerank [rank]` arguments.
struct rank_command {
    std::optional<std::string> query;
    std::optional<std::string> query_file;
    std::string documents_path; ///< "-" = stdin
    std::optional<std::size_t> top_n;
    std::optional<std::string> instruct;
    std::optional<std::string> model;
    std::optional<std::string> base_url;
    rerank::dialect dialect = rerank::dialect::dashscope;
    bool dialect_given = false;
    /// `--api-key-env NAME`: the key's variable. Unset (the default): the client reads the
    /// dialect's own (`rerank::api_key_variables`: DASHSCOPE_API_KEY, COHERE_API_KEY then
    /// CO_API_KEY, ...).
    std::optional<std::string> api_key_env;
    std::optional<std::string> ca_file;
    std::optional<double> timeout_seconds;
    std::optional<unsigned> max_attempts;
    std::optional<std::size_t> max_request_tokens;
    std::optional<std::size_t> max_documents;
    std::optional<std::size_t> concurrency;
    /// `--rpm`, `--tpm`, `--quota-redis`, `--quota-key`, `--no-adaptive`: the pacing, as given.
    rerank::rate_limit_options rate_limit;
    bool table = false;               ///< a table for people instead of JSON
    bool verbose = false;             ///< on failure, one more line per failed attempt
    bool allow_insecure_http = false; ///< `client_options::allow_insecure_http`
    /// `--proxy URL` / `--no-proxy`: `client_options::proxy` (default: from the environment).
    rerank::proxy_options proxy;
};

/// `rerank tokens` arguments.
struct tokens_command {
    std::string path = "-"; ///< JSON Lines input; "-" = stdin
    bool estimate = false;  ///< print the proven upper bound instead of the exact count
};

/// Parses `argv` (without the program name) into `out`; on failure returns a message for
/// stderr. Numbers must be whole and in range; unknown flags and missing values are errors; a
/// dialect without a default base URL (tei, nim) needs `--base-url`.
std::optional<std::string> parse_rank_command(const std::vector<std::string>& args,
                                              rank_command& out);

/// Parses the arguments after `tokens`.
std::optional<std::string> parse_tokens_command(const std::vector<std::string>& args,
                                                tokens_command& out);

/// The usage text printed by `--help`.
const char* usage_text();

} // namespace rerank::cli
