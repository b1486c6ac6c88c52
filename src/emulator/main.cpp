// rerank-emulator: a local rerank server (DashScope's, or another API's with --dialect) for
// scripts, demos and offline development.
#include <rerank/emulator/server.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace {

constexpr std::string_view usage = R"(usage: rerank-emulator [options]

Serves a rerank API on a local port, by default DashScope's in both dialects:
  POST <base>/compatible-api/v1/reranks
  POST <base>/api/v1/services/rerank/text-rerank/text-rerank
or, with --dialect, one other API at its real path:
  cohere  POST <base>/v2/rerank      jina (vLLM)  POST <base>/v1/rerank
  voyage  POST <base>/v1/rerank      tei          POST <base>/rerank
  nim     POST <base>/v1/ranking     (logits for scores)
with the real limits and error bodies, and deterministic BM25 relevance scores.
Prints "listening on http(s)://HOST:PORT" once ready; runs until SIGINT or SIGTERM.

options:
  --dialect NAME            the API to serve: dashscope (both DashScope dialects, the
                            default), cohere, jina (or vllm, llamacpp), voyage, tei, nim;
                            the limits below default to that server's (TEI: 32 texts and
                            512 tokens per pair; NIM: 512 passages; Voyage: 1000 documents,
                            600000 tokens; ...), given flags override them
  --host ADDRESS            address to listen on (default 127.0.0.1)
  --port N                  port; 0 lets the OS pick one (default 0)
  --tls-cert PEM            certificate chain: serve HTTPS (needs --tls-key)
  --tls-key PEM             private key of --tls-cert
  --api-key KEY             expected "Authorization: Bearer KEY" (default emulator-key)
  --no-auth                 accept requests without a key
  --max-request-tokens N    token budget per request (default 120000), counted with the
                            exact Qwen3 tokenizer: query_tokens x documents + document tokens
  --approximate-tokens      count tokens as UTF-8 bytes (an upper bound) instead
  --max-documents N         documents per request (default 500)
  --max-item-tokens N       DashScope: longer queries and documents count this many
                            tokens (default 4000)
  --max-pair-tokens N       tokens per (query, document) pair, the model's context: longer
                            pairs are refused unless the request asks to truncate (0: no
                            limit; the DashScope default)
  --scoring request|independent
                            BM25 over the request's documents (default), or each document
                            scored on its own (scores compare across requests)
  --threads N               server threads (default 1)
  --no-gzip                 never compress answers (default: gzip when a request accepts it)
  --idle-close-after MS     close a keep-alive connection idle this long (default: never)
  --close-after-responses N close each connection after N responses (default: no limit)
  --rpm N                   the account's requests per minute, enforced per second as
                            DashScope does: at most --burst of the rate at once, then the
                            rate; over it, 429 Throttling.RateQuota (default 0: no limit)
  --tpm N                   tokens per minute (counted as for --max-request-tokens), the
                            same way; over it, 429 Throttling.AllocationQuota (default 0)
  --burst MS                how much of --rpm and --tpm may be used at once, as time at
                            the rate (default 1000: one second's share)
  --retry-after-ms N|auto   add "retry-after-ms: N" to throttling answers; auto: the time
                            until the request would have been admitted (default: no
                            header, as DashScope sends none)
  --fault-every N           every Nth request meets a fault, in turn: 503, connection
                            dropped, reset mid-body, truncated body, malformed JSON, 200 ms
                            delay (default 0: none); for soak tests (scripts/soak.sh)
  --help                    this text
)";

// Far above any real quota, and exact as a double.
constexpr unsigned long long max_rate = 1ULL << 40;

[[noreturn]] void fail(const std::string& message) {
    std::cerr << "rerank-emulator: " << message << "\n(--help for usage)\n";
    std::exit(2);
}

unsigned long long number(std::string_view option, const char* text, unsigned long long max) {
    try {
        std::size_t used = 0;
        const unsigned long long n = std::stoull(text, &used);
        if (used == std::string_view(text).size() && n <= max && text[0] != '-')
            return n;
    } catch (const std::exception&) {
    }
    fail("invalid value for " + std::string(option) + ": " + text);
}

// Every `every`th request meets the next fault of a fixed cycle (`--fault-every`).
rerank::emulator::fault_hook fault_cycle(unsigned long long every) {
    using rerank::emulator::fault;
    auto count = std::make_shared<std::atomic<unsigned long long>>(0);
    return [every, count](const rerank::emulator::request_info&) {
        const unsigned long long n = ++*count;
        if (n % every != 0)
            return fault::normal();
        switch ((n / every - 1) % 6) {
        case 0:
            return fault::status(503, R"({"code":"ServiceUnavailable","message":"soak"})");
        case 1:
            return fault::drop();
        case 2:
            return fault::reset_mid_body();
        case 3:
            return fault::truncated_body();
        case 4:
            return fault::malformed_json();
        default:
            return fault::delay(std::chrono::milliseconds(200));
        }
    };
}

struct command_line {
    rerank::emulator::options opts;
    unsigned long long fault_every = 0;
};

// The dialect named by --dialect (the last one given), before the other flags are read: its
// server's limits are the defaults they override.
std::optional<rerank::dialect> dialect_of(int argc, char** argv) {
    std::optional<rerank::dialect> d;
    for (int i = 1; i + 1 < argc; ++i)
        if (std::string_view(argv[i]) == "--dialect") {
            d = rerank::parse_dialect(argv[i + 1]);
            if (!d)
                fail("--dialect must be one of " + std::string(rerank::dialect_names()) +
                     ", not '" + argv[i + 1] + "'");
        }
    return d;
}

command_line parse(int argc, char** argv) {
    // The defaults enforce the limit as the real API does, with exact Qwen3 counts.
    command_line line;
    if (const auto d = dialect_of(argc, argv))
        line.opts = rerank::emulator::options_for(*d);
    rerank::emulator::options& opts = line.opts;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const auto value = [&]() -> const char* {
            if (i + 1 >= argc)
                fail(std::string(arg) + " needs a value");
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            std::cout << usage;
            std::exit(0);
        } else if (arg == "--host") {
            opts.host = value();
        } else if (arg == "--port") {
            opts.port = static_cast<unsigned short>(number(arg, value(), 65535));
        } else if (arg == "--tls-cert") {
            opts.tls_cert_file = value();
        } else if (arg == "--tls-key") {
            opts.tls_key_file = value();
        } else if (arg == "--api-key") {
            opts.api_key = value();
        } else if (arg == "--no-auth") {
            opts.api_key.clear();
        } else if (arg == "--max-request-tokens") {
            opts.max_request_tokens = number(arg, value(), static_cast<unsigned long long>(-1));
        } else if (arg == "--approximate-tokens") {
            opts.count_tokens = rerank::emulator::approximate_token_count;
        } else if (arg == "--max-documents") {
            opts.max_documents = number(arg, value(), static_cast<unsigned long long>(-1));
        } else if (arg == "--max-item-tokens") {
            opts.max_item_tokens = number(arg, value(), static_cast<unsigned long long>(-1));
        } else if (arg == "--max-pair-tokens") {
            opts.max_pair_tokens = number(arg, value(), static_cast<unsigned long long>(-1));
        } else if (arg == "--dialect") {
            value(); // read before the loop
        } else if (arg == "--no-gzip") {
            opts.compress_responses = false;
        } else if (arg == "--threads") {
            opts.threads = static_cast<unsigned>(number(arg, value(), 256));
        } else if (arg == "--idle-close-after") {
            opts.idle_close_after = std::chrono::milliseconds(number(arg, value(), 86400000));
        } else if (arg == "--close-after-responses") {
            opts.close_after_responses = number(arg, value(), static_cast<unsigned long long>(-1));
        } else if (arg == "--rpm") {
            opts.requests_per_minute = static_cast<double>(number(arg, value(), max_rate));
        } else if (arg == "--tpm") {
            opts.tokens_per_minute = static_cast<double>(number(arg, value(), max_rate));
        } else if (arg == "--burst") {
            opts.quota_burst = std::chrono::milliseconds(number(arg, value(), 86400000));
        } else if (arg == "--retry-after-ms") {
            const char* hint = value();
            opts.throttle_retry_after = std::chrono::milliseconds(
                std::string_view(hint) == "auto" ? 0 : number(arg, hint, 86400000));
        } else if (arg == "--fault-every") {
            line.fault_every = number(arg, value(), static_cast<unsigned long long>(-1));
        } else if (arg == "--scoring") {
            const std::string_view mode = value();
            if (mode == "request")
                opts.scoring = rerank::emulator::scoring::request_bm25;
            else if (mode == "independent")
                opts.scoring = rerank::emulator::scoring::independent;
            else
                fail("--scoring must be 'request' or 'independent'");
        } else {
            fail("unknown argument: " + std::string(arg));
        }
    }
    if (opts.tls_cert_file.empty() != opts.tls_key_file.empty())
        fail("--tls-cert and --tls-key go together");
    return line;
}

} // namespace

int main(int argc, char** argv) {
    const command_line line = parse(argc, argv);
    const rerank::emulator::options& opts = line.opts;

    // Block the signals before any thread starts, so that every thread inherits the mask and
    // only sigwait below receives them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    try {
        rerank::emulator::server server(opts);
        if (line.fault_every != 0)
            server.set_fault_hook(fault_cycle(line.fault_every));
        server.start();
        // The key is never printed: only the scheme, host and port.
        std::cout << "listening on " << (opts.tls_cert_file.empty() ? "http" : "https") << "://"
                  << (opts.host.find(':') != std::string::npos ? "[" + opts.host + "]" : opts.host)
                  << ':' << server.port() << std::endl;
        int received = 0;
        sigwait(&signals, &received);
        server.stop();
    } catch (const std::exception& e) {
        std::cerr << "rerank-emulator: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
