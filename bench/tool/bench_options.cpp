#include "bench_options.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

namespace rerank::bench {

const std::string_view usage_text = R"(usage: rerank-bench --base-url URL [options]

Generates load on a rerank endpoint through the rerank client and reports throughput, latency
percentiles and the client's own CPU per request.

  --base-url URL          the API's base URL, up to its version segment, e.g.
                          https://127.0.0.1:8443/compatible-api/v1 (DashScope),
                          http://127.0.0.1:8000/v1 (vLLM), http://127.0.0.1:8080 (TEI)
  --dialect D             dashscope (default), dashscope-native, cohere, jina (or vllm,
                          llamacpp), voyage, tei, nim
  --model NAME            the model to name (default: the dialect's, e.g. qwen3-rerank;
                          nim has none)
  --ca-file PEM           extra trusted CA certificates
  --api-key-env NAME      environment variable holding the API key (default: the dialect's:
                          DASHSCOPE_API_KEY, COHERE_API_KEY/CO_API_KEY, JINA_API_KEY,
                          VOYAGE_API_KEY, none for tei, NVIDIA_API_KEY)
  --allow-insecure-http   allow an http:// base URL to a host other than this machine while an
                          API key is set (the key crosses the network in clear text)
  --gzip, --no-gzip       ask for gzip responses (Accept-Encoding: gzip), or do not
                          (default: the client's default, client_options::accept_gzip)
  --proxy URL             through the HTTP proxy http://[user:pass@]host:port (default: the
                          environment's https_proxy/http_proxy/no_proxy)
  --no-proxy              direct, whatever the environment says
  --concurrency N         calls in flight (default 64)
  --connections N         connection pool size (default = concurrency)
  --duration SECONDS      length of the measured window (default 10)
  --requests N            instead of --duration: stop after N calls completed in the window
  --warmup SECONDS        unmeasured calls before the window (default 1; 0 = none)
  --rate R                open loop: R calls/s on a fixed schedule, latency measured from the
                          scheduled start (at most --concurrency in flight; late calls count
                          from their scheduled time)
  --documents N           documents per request (default 10)
  --doc-bytes B           bytes per document (default 100)
  --query-bytes B         bytes of the query (default 32)
  --top-n N               send top_n (default: not sent, all results)
  --repeat-fraction F     make each call's documents anew, a fraction F in [0, 1] of them
                          repeating documents of earlier calls (default: every call sends the
                          same request)
  --seed N                seed of --repeat-fraction's choices (default 1)
  --cache-mb N            a score cache of N MiB: repeated documents are not sent again
                          (default 0: no cache)
  --threads N             threads running the client's io_context (default 1)
  --rpm N                 pace the client to N requests per minute (default 0: no limit; it
                          then adapts to the rate the server's 429s show)
  --tpm N                 pace to N tokens per minute as well (default 0: no limit)
  --quota-redis URL       share the quota through Redis, redis://[:password@]host:port[/db]
                          (the password is never printed)
  --quota-key NAME        name of the shared quota (default: a hash of key, host and model)
  --no-adaptive           keep to --rpm/--tpm instead of slowing down on the server's 429s
  --json                  print one JSON object instead of the table
  --help                  this text

Calls are not retried, except that a throttling 429 is waited out and sent again (the report
counts them as "throttled", with the calls' admission wait). Exit status: 0 when at least one call succeeded, 1 when none did,
2 for a bad command line.
)";

namespace {

// A value of the option being parsed, or an error message.
struct cursor {
    explicit cursor(const std::vector<std::string_view>& a)
        : args(a) {}

    const std::vector<std::string_view>& args;
    std::size_t i = 0;
    std::string_view name;
    std::optional<std::string_view> inline_value; // from --name=value
    std::string error;

    std::optional<std::string_view> value() {
        if (inline_value)
            return std::exchange(inline_value, std::nullopt);
        if (i + 1 >= args.size()) {
            error = std::string(name) + " needs a value";
            return std::nullopt;
        }
        return args[++i];
    }
};

template <class Int>
bool parse_integer(cursor& c, Int& out, Int min, Int max) {
    auto text = c.value();
    if (!text)
        return false;
    Int n{};
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
    if (ec != std::errc{} || end != text->data() + text->size() || n < min || n > max) {
        c.error = "invalid value for " + std::string(c.name) + ": '" + std::string(*text) +
                  "' (an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                  " expected)";
        return false;
    }
    out = n;
    return true;
}

// A finite decimal number, at least `min` (and above it when `strict`).
bool parse_number(cursor& c, double& out, double min, bool strict) {
    auto text = c.value();
    if (!text)
        return false;
    double d = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), d);
    if (ec != std::errc{} || end != text->data() + text->size() || !std::isfinite(d) || d < min ||
        (strict && d == min) || d > 1e9) {
        c.error = "invalid value for " + std::string(c.name) + ": '" + std::string(*text) +
                  "' (a number " + (strict ? "above " : "of at least ") +
                  std::to_string(static_cast<int>(min)) + " expected)";
        return false;
    }
    out = d;
    return true;
}

// Parses the option at c.i into `o`; false (with c.error set) when it is invalid.
bool parse_one(cursor& c, bench_options& o, bool& help) {
    constexpr auto big = std::numeric_limits<std::size_t>::max() / 2;
    const std::string_view n = c.name;
    if (n == "--help" || n == "-h") {
        help = true;
        return true;
    }
    if (n == "--json" || n == "--allow-insecure-http") {
        (n == "--json" ? o.json : o.allow_insecure_http) = true;
        return true;
    }
    if (n == "--gzip" || n == "--no-gzip") {
        o.accept_gzip = n == "--gzip";
        return true;
    }
    if (n == "--no-adaptive") {
        o.rate_limit.adaptive = false;
        return true;
    }
    if (n == "--proxy" || n == "--no-proxy") {
        if (o.proxy.mode != rerank::proxy_mode::from_environment) {
            c.error = "--proxy and --no-proxy are given together or twice";
            return false;
        }
        if (n == "--no-proxy") {
            o.proxy = rerank::proxy_options::none();
            return true;
        }
        auto text = c.value();
        if (!text)
            return false;
        o.proxy = rerank::proxy_options::through(std::string(*text)); // checked by the client
        return true;
    }
    if (n == "--rpm")
        return parse_number(c, o.rate_limit.requests_per_minute, 0, false);
    if (n == "--tpm")
        return parse_number(c, o.rate_limit.tokens_per_minute, 0, false);
    if (n == "--quota-redis" || n == "--quota-key") {
        auto text = c.value();
        if (!text)
            return false;
        if (n == "--quota-key" && !text->empty()) {
            o.rate_limit.quota_key = *text;
        } else if (n == "--quota-redis" && text->starts_with("redis://") && text->size() > 8) {
            o.rate_limit.redis.url = *text;
        } else {
            // The value is not echoed: a Redis URL may hold a password.
            c.error = n == "--quota-key"
                          ? "--quota-key must not be empty"
                          : "--quota-redis must be a redis://[:password@]host:port[/db] URL";
            return false;
        }
        return true;
    }
    if (n == "--base-url" || n == "--ca-file" || n == "--api-key-env" || n == "--dialect" ||
        n == "--model") {
        auto text = c.value();
        if (!text)
            return false;
        if (n == "--base-url")
            o.base_url = *text;
        else if (n == "--model")
            o.model = *text;
        else if (n == "--ca-file")
            o.ca_file = *text;
        else if (n == "--api-key-env" && !text->empty())
            o.api_key_env = std::string(*text);
        else if (n == "--api-key-env") {
            c.error = "--api-key-env must name an environment variable";
            return false;
        } else if (auto d = rerank::parse_dialect(*text))
            o.dialect = *d;
        else {
            c.error = "--dialect must be one of " + std::string(rerank::dialect_names()) +
                      ", not '" + std::string(*text) + "'";
            return false;
        }
        return true;
    }
    if (n == "--concurrency")
        return parse_integer<std::size_t>(c, o.concurrency, 1, 1'000'000);
    if (n == "--connections")
        return parse_integer<std::size_t>(c, o.connections, 1, 1'000'000);
    if (n == "--requests") {
        std::uint64_t r = 0;
        if (!parse_integer<std::uint64_t>(c, r, 1, std::uint64_t{1} << 62))
            return false;
        o.requests = r;
        return true;
    }
    if (n == "--duration" || n == "--rate") {
        double d = 0;
        if (!parse_number(c, d, 0, true))
            return false;
        (n == "--duration" ? o.duration_s : o.rate) = d;
        return true;
    }
    if (n == "--warmup")
        return parse_number(c, o.warmup_s, 0, false);
    if (n == "--documents")
        return parse_integer<std::size_t>(c, o.documents, 1, 1'000'000);
    if (n == "--doc-bytes")
        return parse_integer<std::size_t>(c, o.doc_bytes, 1, big);
    if (n == "--query-bytes")
        return parse_integer<std::size_t>(c, o.query_bytes, 1, big);
    if (n == "--top-n") {
        std::size_t t = 0;
        if (!parse_integer<std::size_t>(c, t, 1, big))
            return false;
        o.top_n = t;
        return true;
    }
    if (n == "--threads")
        return parse_integer<unsigned>(c, o.threads, 1, 256);
    if (n == "--repeat-fraction") {
        double f = 0;
        if (!parse_number(c, f, 0, false))
            return false;
        if (f > 1) {
            c.error = "--repeat-fraction must be in [0, 1]";
            return false;
        }
        o.repeat_fraction = f;
        return true;
    }
    if (n == "--seed")
        return parse_integer<std::uint64_t>(c, o.seed, 0,
                                            std::numeric_limits<std::uint64_t>::max());
    if (n == "--cache-mb")
        return parse_integer<std::size_t>(c, o.cache_mb, 0, std::size_t(1) << 20);
    c.error = "unknown argument: " + std::string(n);
    return false;
}

} // namespace

parse_outcome parse_bench_options(const std::vector<std::string_view>& args) {
    parse_outcome out;
    cursor c(args);
    for (; c.i < args.size(); ++c.i) {
        const std::string_view arg = args[c.i];
        const auto eq = arg.find('=');
        c.name = arg.substr(0, eq);
        c.inline_value =
            eq == std::string_view::npos ? std::nullopt : std::optional(arg.substr(eq + 1));
        if (!parse_one(c, out.options, out.help)) {
            out.error = c.error;
            return out;
        }
        if (c.inline_value) {
            out.error = std::string(c.name) + " takes no value";
            return out;
        }
    }
    if (out.help)
        return out;
    bench_options& o = out.options;
    if (o.base_url.empty())
        out.error = "--base-url is required";
    else if (o.duration_s && o.requests)
        out.error = "--duration and --requests exclude each other";
    if (o.connections == 0)
        o.connections = o.concurrency;
    if (!o.duration_s && !o.requests)
        o.duration_s = 10;
    return out;
}

} // namespace rerank::bench
