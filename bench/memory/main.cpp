// bench_memory: peak resident memory of one huge rerank call through `rerank::client`.
//
// Reranks N English-like documents of about B bytes (default 100,000 of 1 KiB, ~100 MB) with
// automatic batching against the rerank-emulator program, run as a separate child process on
// 127.0.0.1 (HTTPS with the test certificate, exact Qwen3 token counts, independent scores), so
// that only the client's memory is measured. Reports the input size, this process's peak RSS
// (VmHWM, = getrusage's ru_maxrss) and their ratio (the issue's target: below 3), the sub-requests
// sent and the wall time.
#include "documents.hpp"
#include "emulator_process.hpp"
#include "process_memory.hpp"

#include <rerank/client.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view usage = R"(usage: bench_memory [options]

Reranks many ~1 KB documents through rerank::client (automatic batching) against the
rerank-emulator program started as a child process, and reports this process's peak RSS.

options:
  --documents N     documents (default 100000)
  --doc-bytes B     bytes per document, about (default 1024)
  --concurrency N   sub-requests in flight (client_options::max_parallel_requests, default 8)
  --top-n N         top_n of the call (default: all documents)
  --emulator PATH   the rerank-emulator executable (default: the one built with this program)
  --http            plain HTTP instead of HTTPS (default: HTTPS with test/certs, as a client
                    talks to the real API)
  --max-ratio R     exit 1 when peak RSS / input bytes exceeds R (default: no check)
  --json            one JSON object instead of the table
  --help            this text

Exit status: 0 ok, 1 the call failed or its answer is wrong (or over --max-ratio), 2 bad usage.
)";

struct bench_options {
    std::size_t documents = 100000;
    std::size_t doc_bytes = 1024;
    std::size_t concurrency = 8;
    std::optional<std::size_t> top_n;
    std::string emulator = RERANK_EMULATOR_PATH;
    std::optional<double> max_ratio;
    bool tls = true;
    bool json = false;
};

[[noreturn]] void usage_error(const std::string& message) {
    std::cerr << "bench_memory: " << message << "\n(--help for usage)\n";
    std::exit(2);
}

std::size_t positive(std::string_view option, const std::string& text) {
    try {
        std::size_t used = 0;
        const unsigned long long n = std::stoull(text, &used);
        if (used == text.size() && n > 0 && text[0] != '-')
            return static_cast<std::size_t>(n);
    } catch (const std::exception&) {
    }
    usage_error("invalid value for " + std::string(option) + ": " + text);
}

bench_options parse(int argc, char** argv) {
    bench_options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                usage_error(std::string(arg) + " needs a value");
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            std::cout << usage;
            std::exit(0);
        } else if (arg == "--documents") {
            o.documents = positive(arg, value());
        } else if (arg == "--doc-bytes") {
            o.doc_bytes = positive(arg, value());
        } else if (arg == "--concurrency") {
            o.concurrency = positive(arg, value());
        } else if (arg == "--top-n") {
            o.top_n = positive(arg, value());
        } else if (arg == "--emulator") {
            o.emulator = value();
        } else if (arg == "--max-ratio") {
            const std::string v = value();
            char* end = nullptr;
            o.max_ratio = std::strtod(v.c_str(), &end);
            if (v.empty() || *end != '\0' || !(*o.max_ratio > 0))
                usage_error("invalid value for --max-ratio: " + v);
        } else if (arg == "--http") {
            o.tls = false;
        } else if (arg == "--json") {
            o.json = true;
        } else {
            usage_error("unknown argument: " + std::string(arg));
        }
    }
    return o;
}

struct call_outcome {
    rerank::error_code ec;
    rerank::diagnostics diag;
    rerank::response res;
    double wall_s = 0;
};

// One call, run to completion on this thread.
call_outcome rerank_all(const rerank::request& req, const std::string& base_url, bool tls,
                        std::size_t concurrency) {
    rerank::client_options opts;
    opts.base_url = base_url;
    if (tls) {
        opts.tls.ca_file = RERANK_TEST_CERTS_DIR "/ca.pem";
        opts.tls.use_system_trust_store = false;
    }
    opts.api_key = "emulator-key";
    opts.max_parallel_requests = concurrency;
    opts.timeout = std::chrono::minutes(30);
    boost::asio::io_context ioc;
    rerank::client c(ioc.get_executor(), opts);
    call_outcome out;
    const auto start = std::chrono::steady_clock::now();
    c.async_rerank(req, out.diag, [&](rerank::error_code ec, rerank::response res) {
        out.ec = ec;
        out.res = std::move(res);
    });
    ioc.run();
    out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

// What a correct answer holds: min(top_n, N) results, each document once, each result viewing
// the caller's own text (not a copy). "" when it does, else what is wrong.
std::string check_answer(const rerank::request& req, const rerank::response& res) {
    const std::size_t expected =
        std::min(req.top_n.value_or(req.documents.size()), req.documents.size());
    if (res.results.size() != expected)
        return std::to_string(res.results.size()) + " results, expected " +
               std::to_string(expected);
    std::vector<bool> seen(req.documents.size());
    for (const auto& r : res.results) {
        if (r.index >= req.documents.size() || seen[r.index])
            return "result index " + std::to_string(r.index) + " out of range or repeated";
        seen[r.index] = true;
        if (r.document.data() != req.documents[r.index].data())
            return "result " + std::to_string(r.index) + " does not view the caller's text";
    }
    if (res.requests == 0 || res.request_ids.size() != res.requests)
        return std::to_string(res.requests) + " requests but " +
               std::to_string(res.request_ids.size()) + " request ids";
    return {};
}

double mb(std::size_t bytes) {
    return static_cast<double>(bytes) / 1e6;
}

} // namespace

int main(int argc, char** argv) {
    const bench_options o = parse(argc, argv);
    try {
        std::vector<std::string> emulator_args{"--scoring", "independent"};
        if (o.tls)
            emulator_args.insert(emulator_args.end(),
                                 {"--tls-cert", RERANK_TEST_CERTS_DIR "/server.pem", "--tls-key",
                                  RERANK_TEST_CERTS_DIR "/server.key"});
        rerank::bench::emulator_process emulator(o.emulator, emulator_args);

        const std::size_t rss_before_input = rerank::bench::current_rss_bytes();
        rerank::request req = rerank::bench::english_like_request(o.documents, o.doc_bytes);
        req.top_n = o.top_n;
        std::size_t input_bytes = req.query.size();
        for (const auto& d : req.documents)
            input_bytes += d.size();
        const std::size_t rss_with_input = rerank::bench::current_rss_bytes();

        const call_outcome call = rerank_all(req, emulator.base_url(), o.tls, o.concurrency);
        const std::size_t ru_maxrss = rerank::bench::rusage_max_rss_bytes();
        // The kernel's two accounts of the peak may differ by a few pages; take the larger.
        const std::size_t peak = std::max(rerank::bench::peak_rss_bytes(), ru_maxrss);
        if (call.ec) {
            std::cerr << "bench_memory: the call failed: " << call.diag.to_string() << '\n';
            return 1;
        }
        if (const std::string wrong = check_answer(req, call.res); !wrong.empty()) {
            std::cerr << "bench_memory: wrong answer: " << wrong << '\n';
            return 1;
        }
        const double ratio = static_cast<double>(peak) / static_cast<double>(input_bytes);

        if (o.json) {
            boost::json::object j;
            j["documents"] = o.documents;
            j["input_bytes"] = input_bytes;
            j["peak_rss_bytes"] = peak;
            j["ru_maxrss_bytes"] = ru_maxrss;
            j["peak_over_input"] = ratio;
            j["rss_before_input_bytes"] = rss_before_input;
            j["rss_with_input_bytes"] = rss_with_input;
            j["sub_requests"] = call.res.requests;
            j["results"] = call.res.results.size();
            j["wall_s"] = call.wall_s;
            std::cout << boost::json::serialize(j) << '\n';
        } else {
            std::printf("documents          %zu of ~%zu bytes\n", o.documents, o.doc_bytes);
            std::printf("input              %10.1f MB\n", mb(input_bytes));
            std::printf("peak RSS           %10.1f MB  (ru_maxrss %.1f MB)\n", mb(peak),
                        mb(ru_maxrss));
            std::printf("peak / input       %10.2f     (target < 3)\n", ratio);
            std::printf("RSS before input   %10.1f MB\n", mb(rss_before_input));
            std::printf("RSS with input     %10.1f MB\n", mb(rss_with_input));
            std::printf("sub-requests       %10zu\n", call.res.requests);
            std::printf("wall time          %10.2f s\n", call.wall_s);
        }
        if (o.max_ratio && ratio > *o.max_ratio) {
            std::cerr << "bench_memory: peak RSS is " << ratio << " x the input, above "
                      << *o.max_ratio << '\n';
            return 1;
        }
    } catch (const std::exception& e) {
        std::cerr << "bench_memory: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
