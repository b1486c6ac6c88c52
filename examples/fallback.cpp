// Fallback between providers: rank with DashScope, and when DashScope cannot answer (down,
// throttled past the deadline, out of quota), rank the same request with Cohere instead.
//
// Scores of different providers are not comparable, so a call is answered by one provider
// whole, never merged across them; `score_kind` and the provider's name go with the ranking.
//
// Keys: DASHSCOPE_API_KEY and COHERE_API_KEY. RERANK_BASE_URL, RERANK_FALLBACK_BASE_URL and
// RERANK_CA_FILE point the two clients elsewhere (the tests: two local emulators).
#include <rerank/client.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdlib>
#include <iostream>

namespace net = boost::asio;

namespace {

rerank::client_options provider(rerank::dialect d, const char* base_url_variable) {
    rerank::client_options opts;
    opts.dialect = d; // base URL, model and key variable: the dialect's defaults
    if (const char* url = std::getenv(base_url_variable))
        opts.base_url = url;
    if (const char* ca = std::getenv("RERANK_CA_FILE"))
        opts.tls.ca_file = ca;
    opts.timeout = std::chrono::seconds(10);
    return opts;
}

// Worth asking another provider: this one is unreachable, failing or out of quota. A request
// that is wrong (invalid_request, bad_request, authentication) would be wrong there too.
bool another_provider_may_answer(rerank::error_code ec) {
    using rerank::errc;
    return ec == errc::connection_failed || ec == errc::tls_failure || ec == errc::timeout ||
           ec == errc::server_error || ec == errc::rate_limited || ec == errc::quota_exceeded ||
           ec == errc::bad_response || ec == errc::unexpected_status;
}

} // namespace

int main() {
    rerank::client_options primary = provider(rerank::dialect::dashscope, "RERANK_BASE_URL");
    primary.retry.max_attempts = 2; // fail over soon rather than retry long
    rerank::client_options fallback =
        provider(rerank::dialect::cohere, "RERANK_FALLBACK_BASE_URL");

    rerank::request req;
    req.query = "What does a reranker do?";
    req.documents = {"The quick brown fox jumps over the lazy dog.",
                     "A reranker orders candidate passages by their relevance to a query.",
                     "Paris is the capital of France."};

    int status = 0;
    net::io_context ioc;
    net::co_spawn(
        ioc,
        [&]() -> net::awaitable<void> {
            for (const rerank::client_options* opts : {&primary, &fallback}) {
                rerank::client client(co_await net::this_coro::executor, *opts);
                rerank::diagnostics diag;
                auto [ec, res] =
                    co_await client.async_rerank(req, diag, net::as_tuple(net::use_awaitable));
                const auto name = rerank::to_string(opts->dialect);
                if (!ec) {
                    std::cout << "answered by " << name << " (scores: "
                              << (res.score_kind == rerank::score_kind::logit ? "logits"
                                                                              : "probabilities")
                              << ")\n";
                    for (const rerank::result& r : res.results)
                        std::cout << r.relevance_score << "  [" << r.index << "] " << r.document
                                  << '\n';
                    co_return;
                }
                std::cerr << name << " failed: " << ec.message() << " (" << diag.to_string()
                          << ")\n";
                if (!another_provider_may_answer(ec))
                    break;
            }
            status = 1;
        },
        net::detached);
    ioc.run();
    return status;
}
