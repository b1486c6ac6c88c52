#include "cli/cli_options.hpp"

#include <charconv>
#include <cmath>

namespace rerank::cli {

const char* usage_text() {
    return R"(usage: rerank --query TEXT | --query-file PATH  --documents PATH|-  [options]
       rerank tokens [PATH|-] [--estimate]

Ranks documents by relevance to a query with a rerank API (DashScope qwen3-rerank by default)
and prints one JSON object: {"model", "results": [{"index", "relevance_score", "document"}],
"usage": {"total_tokens"}, "requests"}.

Dialects (--dialect), their default base URL and API-key variable:
  dashscope         https://dashscope-intl.aliyuncs.com/compatible-api/v1   DASHSCOPE_API_KEY
  dashscope-native  https://dashscope-intl.aliyuncs.com/api/v1              DASHSCOPE_API_KEY
  cohere            https://api.cohere.com/v2           COHERE_API_KEY, else CO_API_KEY
  jina              https://api.jina.ai/v1              JINA_API_KEY (optional); also vLLM,
                    llama.cpp, SiliconFlow: --dialect vllm|llamacpp --base-url http://HOST:PORT/v1
  voyage            https://api.voyageai.com/v1         VOYAGE_API_KEY
  tei               none: --base-url is required (text-embeddings-inference, http://HOST:PORT)
  nim               none: --base-url is required (NVIDIA NIM, http://HOST:8000/v1);
                    NVIDIA_API_KEY (optional)

  --query TEXT            the query
  --query-file PATH       read the query from a file (UTF-8)
  --documents PATH        JSON Lines, one {"text": "..."} per document; '-' reads stdin
  --top-n N               return the N best results (default: all)
  --instruct TEXT         the ranking task, e.g. "Given a question, retrieve passages that answer it."
  --model NAME            model (default: the dialect's: qwen3-rerank, rerank-v3.5,
                          jina-reranker-v2-base-multilingual, rerank-2.5; nim needs one)
  --base-url URL          API base URL, up to its version segment (default: the dialect's, above)
  --dialect NAME          dashscope (OpenAI-compatible, default), dashscope-native, cohere,
                          jina (or vllm, llamacpp), voyage, tei, nim
  --api-key-env NAME      environment variable holding the API key (default: the dialect's,
                          above; none set sends no key)
  --ca-file PEM           extra trusted CA certificates
  --timeout SECONDS       deadline of the whole call (default 60)
  --max-attempts N        attempts per request, counting the first (default 4; 1 = no retries)
  --max-request-tokens N  token budget per HTTP request (default 120,000 for qwen3-rerank);
                          larger calls are split into sub-requests and merged
  --max-documents N       documents per HTTP request (default 500)
  --concurrency N         sub-requests in flight at once (default 8)
  --rpm N                 pace requests to N per minute, the account's quota (default 0: no
                          limit, the rate the server accepts is found by adapting to its 429s)
  --tpm N                 pace to N tokens per minute as well (default 0: no limit)
  --quota-redis URL       share the quota with every process naming the same Redis server and
                          quota key: redis://[:password@]host:port[/db] (the password is never
                          printed); while it does not answer, each process paces alone
  --quota-key NAME        name of the shared quota (default: a hash of the API key, host and model)
  --no-adaptive           keep to --rpm/--tpm instead of slowing down on the server's 429s
  --allow-insecure-http   allow an http:// base URL to a host other than this machine while an
                          API key is set (the key crosses the network in clear text)
  --proxy URL             go through the HTTP proxy http://[user:pass@]host:port (CONNECT for
                          https://; credentials are never printed); default: https_proxy,
                          http_proxy and no_proxy from the environment, as curl reads them
  --no-proxy              connect directly, whatever the environment says
  --table                 print a table for people instead of JSON
  --verbose               on failure, also print what each attempt met, one line each
  --help                  this text

rerank tokens reads JSON Lines ({"text": ...} per line) and prints {"n": count} per line: the
exact Qwen3 token count, or with --estimate the proven upper bound used as a fast pre-check.

Errors are one line on stderr: the error class, HTTP status, provider code, request id and
message, with control characters from the server shown as escapes (\x1b) and URLs without their
user info or query (https://***@host/path?***).
Exit codes: 0 ok, 2 bad input (nothing sent), 3 the API answered with an error,
4 network, TLS or timeout.
)";
}

namespace {

template <class Int>
std::optional<Int> parse_whole(const std::string& text) {
    Int value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

// A finite decimal number, above 0 (or at least 0 when `zero_allowed`).
std::optional<double> parse_number(const std::string& text, bool zero_allowed) {
    try {
        std::size_t used = 0;
        double value = std::stod(text, &used);
        if (used != text.size() || !std::isfinite(value) || value < 0 ||
            (value == 0 && !zero_allowed))
            return std::nullopt;
        return value;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

} // namespace

std::optional<std::string> parse_rank_command(const std::vector<std::string>& args,
                                              rank_command& out) {
    bool documents_given = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& flag = args[i];
        auto value = [&]() -> std::optional<std::string> {
            if (i + 1 >= args.size())
                return std::nullopt;
            return args[++i];
        };
        std::optional<std::string> v;
        bool* const switched = flag == "--table"                 ? &out.table
                               : flag == "--verbose"             ? &out.verbose
                               : flag == "--allow-insecure-http" ? &out.allow_insecure_http
                                                                 : nullptr;
        if (switched) {
            *switched = true;
            continue;
        }
        if (flag == "--no-adaptive") {
            out.rate_limit.adaptive = false;
            continue;
        }
        if (flag == "--no-proxy" || flag == "--proxy") {
            if (out.proxy.mode != rerank::proxy_mode::from_environment)
                return std::string("--proxy and --no-proxy are given together or twice");
            if (flag == "--no-proxy") {
                out.proxy = rerank::proxy_options::none();
                continue;
            }
            v = value();
            if (!v || v->empty())
                return flag + " needs a value";
            out.proxy = rerank::proxy_options::through(*v);
            continue;
        }
        if (flag == "--query" || flag == "--query-file" || flag == "--documents" ||
            flag == "--top-n" || flag == "--instruct" || flag == "--model" ||
            flag == "--base-url" || flag == "--dialect" || flag == "--api-key-env" ||
            flag == "--ca-file" || flag == "--timeout" || flag == "--max-attempts" ||
            flag == "--max-request-tokens" || flag == "--max-documents" ||
            flag == "--concurrency" || flag == "--rpm" || flag == "--tpm" ||
            flag == "--quota-redis" || flag == "--quota-key") {
            v = value();
            if (!v)
                return flag + " needs a value";
        } else {
            return "unknown argument '" + flag + "' (see --help)";
        }
        if (flag == "--query") {
            out.query = *v;
        } else if (flag == "--query-file") {
            out.query_file = *v;
        } else if (flag == "--documents") {
            out.documents_path = *v;
            documents_given = true;
        } else if (flag == "--top-n") {
            auto n = parse_whole<std::size_t>(*v);
            if (!n || *n == 0)
                return "--top-n must be a whole number of at least 1, not '" + *v + "'";
            out.top_n = *n;
        } else if (flag == "--instruct") {
            out.instruct = *v;
        } else if (flag == "--model") {
            out.model = *v;
        } else if (flag == "--base-url") {
            out.base_url = *v;
        } else if (flag == "--dialect") {
            auto d = parse_dialect(*v);
            if (!d)
                return "--dialect must be one of " + std::string(dialect_names()) + ", not '" + *v +
                       "'";
            out.dialect = *d;
            out.dialect_given = true;
        } else if (flag == "--api-key-env") {
            if (v->empty())
                return std::string("--api-key-env must name an environment variable");
            out.api_key_env = *v;
        } else if (flag == "--ca-file") {
            out.ca_file = *v;
        } else if (flag == "--timeout") {
            auto seconds = parse_number(*v, false);
            if (!seconds)
                return "--timeout must be a positive number of seconds, not '" + *v + "'";
            out.timeout_seconds = *seconds;
        } else if (flag == "--rpm" || flag == "--tpm") {
            auto rate = parse_number(*v, true);
            if (!rate)
                return flag + " must be a number of at least 0 (0: no limit), not '" + *v + "'";
            (flag == "--rpm" ? out.rate_limit.requests_per_minute
                             : out.rate_limit.tokens_per_minute) = *rate;
        } else if (flag == "--quota-redis") {
            // The value is not echoed: it may hold a password.
            if (v->rfind("redis://", 0) != 0 || v->size() == 8)
                return "--quota-redis must be a redis://[:password@]host:port[/db] URL";
            out.rate_limit.redis.url = *v;
        } else if (flag == "--quota-key") {
            if (v->empty())
                return "--quota-key must not be empty";
            out.rate_limit.quota_key = *v;
        } else if (flag == "--max-attempts") {
            auto n = parse_whole<unsigned>(*v);
            if (!n || *n == 0)
                return "--max-attempts must be a whole number of at least 1, not '" + *v + "'";
            out.max_attempts = *n;
        } else {
            auto n = parse_whole<std::size_t>(*v);
            if (!n || *n == 0)
                return flag + " must be a whole number of at least 1, not '" + *v + "'";
            if (flag == "--max-request-tokens")
                out.max_request_tokens = *n;
            else if (flag == "--max-documents")
                out.max_documents = *n;
            else
                out.concurrency = *n;
        }
    }
    if (out.query && out.query_file)
        return "give either --query or --query-file, not both";
    if (!out.query && !out.query_file)
        return "a query is required: --query TEXT or --query-file PATH";
    if (!documents_given)
        return "--documents PATH is required ('-' reads JSON Lines from stdin)";
    if (!out.base_url && default_base_url(out.dialect).empty())
        return "--dialect " + std::string(to_string(out.dialect)) +
               " needs --base-url (a self-hosted server has no default address)";
    return std::nullopt;
}

std::optional<std::string> parse_tokens_command(const std::vector<std::string>& args,
                                                tokens_command& out) {
    bool path_given = false;
    for (const auto& arg : args) {
        if (arg == "--estimate") {
            out.estimate = true;
        } else if (!path_given && (arg == "-" || arg.rfind("--", 0) != 0)) {
            out.path = arg;
            path_given = true;
        } else {
            return "unknown argument '" + arg + "' for rerank tokens (see --help)";
        }
    }
    return std::nullopt;
}

} // namespace rerank::cli
