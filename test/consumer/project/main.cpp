// Builds and links against the installed library; validates a request without any network.
// Includes the umbrella header, and checks the emulator's headers are installed with the
// emulator library (RERANK_INSTALL_EMULATOR) and only with it; with rerank::prometheus
// installed, the refused call shows in its metrics.
#include <rerank/rerank.hpp>

#if __has_include(<rerank/emulator/emulator.hpp>) != defined(RERANK_CONSUMER_EMULATOR)
#error "the emulator's headers are installed if and only if the emulator library is"
#endif

#ifdef RERANK_CONSUMER_PROMETHEUS
#include <rerank/prometheus/metrics_observer.hpp>
#endif

#include <boost/asio/io_context.hpp>

#include <iostream>

int main() {
    boost::asio::io_context ioc;
    rerank::client_options opts;
    opts.api_key = "unused";
#ifdef RERANK_CONSUMER_PROMETHEUS
    auto metrics = std::make_shared<rerank::prometheus::metrics_observer>();
    opts.observer = metrics;
#endif
    rerank::client client(ioc.get_executor(), opts);
    rerank::request req; // empty query: refused before anything is sent
    req.documents = {"a"};
    rerank::error_code result;
    client.async_rerank(req, [&](rerank::error_code ec, rerank::response) { result = ec; });
    ioc.run();
    bool ok = result == rerank::errc::invalid_request &&
              rerank::qwen3_tokenizer::builtin().count("Hello world") == 2;
#ifdef RERANK_CONSUMER_PROMETHEUS
    ok = ok && metrics->text().find("rerank_call_duration_seconds_count 1") != std::string::npos;
#endif
    std::cout << (ok ? "consumer ok" : "consumer FAILED") << "\n";
    return ok ? 0 : 1;
}
