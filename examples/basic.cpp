// The README's example: rank a few documents by relevance to a query and print the ranking.
//
// Talks to DashScope with the key in DASHSCOPE_API_KEY. RERANK_BASE_URL and RERANK_CA_FILE
// point it elsewhere, e.g. at a local `rerank-emulator` with its test certificate.
#include <rerank/client.hpp>
#include <rerank/error_with_diagnostics.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <iostream>

namespace net = boost::asio;

int main() {
    rerank::client_options opts; // DashScope's international region, DASHSCOPE_API_KEY
    if (const char* url = std::getenv("RERANK_BASE_URL"))
        opts.base_url = url;
    if (const char* ca = std::getenv("RERANK_CA_FILE"))
        opts.tls.ca_file = ca;

    net::io_context ioc;
    rerank::request req;
    req.query = "What does a reranker do?";
    req.documents = {"The quick brown fox jumps over the lazy dog.",
                     "A reranker orders candidate passages by their relevance to a query.",
                     "Rerank models score each query and document pair with a cross-encoder.",
                     "Paris is the capital of France."};

    net::co_spawn(
        ioc,
        [&]() -> net::awaitable<void> {
            // (Gone at the end of the coroutine, with its idle connection: ioc.run() returns.)
            rerank::client client(co_await net::this_coro::executor, opts);
            const rerank::response res = co_await client.rerank(req);
            for (const rerank::result& r : res.results)
                std::cout << r.relevance_score << "  [" << r.index << "] " << r.document << '\n';
        },
        [](std::exception_ptr e) {
            if (e)
                std::rethrow_exception(e);
        });
    try {
        ioc.run();
    } catch (const rerank::error_with_diagnostics& e) {
        // what() names the error class, HTTP status, request id
        std::cerr << "rerank failed: " << e.what() << '\n';
        return 1;
    }
}
