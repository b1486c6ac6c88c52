// rerank-bench: a load generator for rerank endpoints, built on the rerank client.
#include "bench_options.hpp"
#include "load_runner.hpp"
#include "report.hpp"
#include "workload.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>

int main(int argc, char** argv) {
    using namespace rerank::bench;
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    const parse_outcome parsed = parse_bench_options(args);
    if (parsed.help) {
        std::cout << usage_text;
        return 0;
    }
    if (!parsed.error.empty()) {
        std::cerr << "rerank-bench: " << parsed.error << "\n(--help for usage)\n";
        return 2;
    }
    const bench_options& o = parsed.options;
    try {
        // Built once: every call sends the same request, so what is measured is the client's
        // per-call work, not the making of test data.
        const rerank::request req = make_request(o.documents, o.doc_bytes, o.query_bytes, o.top_n);
        const load_result result = run_load(o, client_options_for(o), req);
        std::cout << (o.json ? json_report(result) : table_report(o, result)) << std::flush;
        return result.succeeded > 0 ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "rerank-bench: " << e.what() << '\n';
        return 1;
    }
}
