// Every non-DashScope dialect end to end against a tiny scripted server that speaks it: calls
// over the provider's document cap are split and merged into the ranking one unlimited request
// would give; top_n is cut by the client where the API has no field (TEI, NIM); score_kind
// follows the dialect; what a dialect cannot carry (instruct) and what may not be split (a
// listwise model) are refused before anything is sent.
#include "integration/call_helpers.hpp"
#include "integration/scripted_server.hpp"

#include <rerank/limits.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace rerank;
using namespace rerank::test;
using namespace rerank::test::scripted;
namespace json = boost::json;

namespace {

// The server's score of a document: a function of its text alone (a pointwise model), so any
// split merges into the same ranking. FNV-1a, spread over [0, 1) or, for NIM, over logits.
double score_of(std::string_view text, dialect d) {
    std::uint64_t h = 14695981039346656037ull;
    for (char c : text)
        h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    const double unit = static_cast<double>(h % 1000003) / 1000003.0;
    return d == dialect::nim ? unit * 20 - 10 : unit;
}

struct server_record {
    std::size_t requests = 0;
    std::size_t largest = 0;       // most documents in one request
    bool top_n_field_seen = false; // a top_n or top_k member in any request
};

// The texts a request carries, in the dialect's shape.
std::vector<std::string> documents_of(const json::object& body, dialect d) {
    std::vector<std::string> out;
    const char* key = d == dialect::tei ? "texts" : d == dialect::nim ? "passages" : "documents";
    for (const json::value& v : body.at(key).as_array())
        out.emplace_back(d == dialect::nim ? v.at("text").as_string() : v.as_string());
    return out;
}

// The dialect's answer: every document scored, best first, cut to top_n / top_k when sent.
std::string answer(const json::object& body, dialect d, server_record& record) {
    const std::vector<std::string> docs = documents_of(body, d);
    record.largest = std::max(record.largest, docs.size());
    std::vector<std::size_t> order(docs.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return score_of(docs[a], d) > score_of(docs[b], d);
    });
    const char* top_key = d == dialect::voyage ? "top_k" : "top_n";
    if (body.contains("top_n") || body.contains("top_k"))
        record.top_n_field_seen = true;
    if (const json::value* top = body.if_contains(top_key))
        order.resize(std::min<std::size_t>(order.size(), top->to_number<std::size_t>()));
    json::array results;
    const char* score_key = d == dialect::tei   ? "score"
                            : d == dialect::nim ? "logit"
                                                : "relevance_score";
    for (std::size_t i : order)
        results.push_back(json::object{{"index", i}, {score_key, score_of(docs[i], d)}});
    const json::object usage{{"total_tokens", docs.size()}};
    switch (d) {
    case dialect::cohere:
        return json::serialize(json::object{
            {"id", "cohere-1"},
            {"results", results},
            {"meta", json::object{{"billed_units", json::object{{"search_units", 1}}}}}});
    case dialect::voyage:
        return json::serialize(json::object{
            {"object", "list"}, {"data", results}, {"model", "rerank-2.5"}, {"usage", usage}});
    case dialect::tei:
        return json::serialize(results);
    case dialect::nim:
        return json::serialize(json::object{{"rankings", results}});
    default:
        return json::serialize(
            json::object{{"model", "served-model"}, {"usage", usage}, {"results", results}});
    }
}

std::string http_ok(const std::string& body) {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Serves every request of every connection in dialect `d`.
script dialect_server(dialect d, server_record& record) {
    return [d, &record](peer& p, std::size_t) -> net::awaitable<void> {
        for (;;) {
            co_await p.read_request();
            ++record.requests;
            const json::object body = json::parse(p.request_body()).as_object();
            co_await p.send(http_ok(answer(body, d, record)));
        }
    };
}

client_options options_for(const scripted_server& server, dialect d, std::string model) {
    client_options opts = server.options_for_client();
    opts.base_url = "http://127.0.0.1:" + std::to_string(server.port()) + "/v1";
    opts.dialect = d;
    opts.model = std::move(model);
    return opts;
}

request numbered_request(std::size_t documents, std::optional<std::size_t> top_n) {
    request req;
    req.query = "which document?";
    for (std::size_t i = 0; i < documents; ++i)
        req.documents.push_back("document " + std::to_string(i) + " on topic " +
                                std::to_string(i * 7919 % 97));
    req.top_n = top_n;
    return req;
}

// What one unlimited request would rank: by score descending, then index ascending.
std::vector<std::size_t> direct_order(const request& req, dialect d) {
    std::vector<std::size_t> order(req.documents.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return score_of(req.documents[a], d) > score_of(req.documents[b], d);
    });
    order.resize(std::min(order.size(), req.top_n.value_or(order.size())));
    return order;
}

struct dialect_case {
    dialect d;
    const char* model;
    std::size_t cap; // the dialect's document cap (limits::for_model)
};

const dialect_case cases[] = {
    {dialect::cohere, "rerank-v3.5", 1000},
    {dialect::jina, "BAAI/bge-reranker-v2-m3", 1000},
    {dialect::voyage, "rerank-2.5", 1000},
    {dialect::tei, "", 32},
    {dialect::nim, "nvidia/llama-3.2-nv-rerankqa-1b-v2", 512},
};

} // namespace

BOOST_AUTO_TEST_SUITE(client_dialects)

BOOST_AUTO_TEST_CASE(split_over_each_providers_cap_merges_like_one_ranking) {
    for (const dialect_case& c : cases) {
        BOOST_TEST_CONTEXT(to_string(c.d)) {
            BOOST_TEST(limits::for_model(c.d, c.model).max_documents == c.cap);
            for (const std::size_t documents : {c.cap * 2 + c.cap / 3, std::size_t(7)}) {
                io_fixture f;
                server_record record;
                scripted_server server(f.ioc, false, dialect_server(c.d, record));
                const request req = numbered_request(documents, 5);
                f.run([&]() -> net::awaitable<void> {
                    client cl(f.ioc.get_executor(), options_for(server, c.d, c.model));
                    const call_outcome out = co_await call(cl, req);
                    server.stop();
                    BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());
                    const std::size_t expected_requests = (documents + c.cap - 1) / c.cap;
                    BOOST_TEST(out.res.requests == expected_requests);
                    BOOST_TEST(record.requests == expected_requests);
                    BOOST_TEST(record.largest <= c.cap);
                    // TEI and NIM are sent no top_n: the client cuts the ranking itself.
                    const bool has_top_n = c.d != dialect::tei && c.d != dialect::nim;
                    BOOST_TEST(record.top_n_field_seen == has_top_n);
                    const std::vector<std::size_t> direct = direct_order(req, c.d);
                    BOOST_TEST_REQUIRE(out.res.results.size() == direct.size());
                    for (std::size_t i = 0; i < direct.size(); ++i) {
                        BOOST_TEST(out.res.results[i].index == direct[i]);
                        BOOST_TEST(out.res.results[i].relevance_score ==
                                   score_of(req.documents[direct[i]], c.d));
                    }
                    BOOST_TEST(
                        (out.res.score_kind ==
                         (c.d == dialect::nim ? score_kind::logit : score_kind::probability)));
                    if (c.d == dialect::jina || c.d == dialect::voyage)
                        BOOST_TEST(out.res.usage.total_tokens == documents);
                });
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(instruct_is_refused_before_sending) {
    io_fixture f;
    server_record record;
    scripted_server server(f.ioc, false, dialect_server(dialect::cohere, record));
    f.run([&]() -> net::awaitable<void> {
        client cl(f.ioc.get_executor(), options_for(server, dialect::cohere, "rerank-v3.5"));
        request req = numbered_request(3, std::nullopt);
        req.instruct = "Rank by date.";
        const call_outcome out = co_await call(cl, req);
        server.stop();
        BOOST_TEST(out.ec == errc::invalid_request);
        BOOST_TEST(out.diag.client_message.find("cohere dialect") != std::string::npos,
                   out.diag.client_message);
        BOOST_TEST(record.requests == 0u);
    });
}

BOOST_AUTO_TEST_CASE(listwise_model_is_not_split_unless_allowed) {
    for (const bool allowed : {false, true}) {
        BOOST_TEST_CONTEXT("split_listwise " << allowed) {
            io_fixture f;
            server_record record;
            scripted_server server(f.ioc, false, dialect_server(dialect::jina, record));
            f.run([&]() -> net::awaitable<void> {
                client_options opts = options_for(server, dialect::jina, "jina-reranker-v3");
                opts.split_listwise = allowed;
                client cl(f.ioc.get_executor(), opts);
                const call_outcome out = co_await call(cl, numbered_request(1500, 3));
                // One request's worth is never refused.
                const call_outcome small = co_await call(cl, numbered_request(20, 3));
                server.stop();
                BOOST_TEST(!small.ec, small.diag.to_string());
                if (allowed) {
                    BOOST_TEST(!out.ec, out.diag.to_string());
                    BOOST_TEST(out.res.requests == 2u);
                    BOOST_TEST(record.requests == 3u);
                } else {
                    BOOST_TEST(out.ec == errc::invalid_request);
                    BOOST_TEST(out.diag.client_message.find("scores listwise") != std::string::npos,
                               out.diag.client_message);
                    BOOST_TEST(record.requests == 1u); // the small call's
                }
            });
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
