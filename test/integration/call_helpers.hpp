// Small helpers shared by the client integration tests.
#pragma once

#include <rerank/client.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <string>
#include <utility>
#include <vector>

namespace rerank::test {

struct call_outcome {
    error_code ec;
    response res;
    diagnostics diag;
};

inline boost::asio::awaitable<call_outcome> call(client& c, const request& req) {
    call_outcome out;
    auto [ec, res] =
        co_await c.async_rerank(req, out.diag, boost::asio::as_tuple(boost::asio::use_awaitable));
    out.ec = ec;
    out.res = std::move(res);
    co_return out;
}

inline request sample_request() {
    request req;
    req.query = "What is a rerank model?";
    req.documents = {
        "Paris is the capital of France.",
        "A rerank model orders documents by their relevance to a query.",
        "Text rerank models are used in search and retrieval augmented generation.",
        "The quick brown fox jumps over the lazy dog.",
        "Reranking improves the relevance of search results.",
    };
    return req;
}

} // namespace rerank::test
