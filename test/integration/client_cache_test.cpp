// The score cache through the client against the emulator: what is sent, what comes back.
#include "integration/call_helpers.hpp"
#include "support/emulator_fixture.hpp"

#include <rerank/score_cache.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <memory>

using namespace rerank;
using namespace rerank::test;
namespace net = boost::asio;

namespace {

// Scores independent of the other documents of a request (as qwen3-rerank's): a ranking from
// cached and fresh scores must then equal one request's.
emulator::options independent_scoring(std::size_t max_documents = 500) {
    auto opts = tls_emulator_options();
    opts.scoring = emulator::scoring::independent;
    opts.max_documents = max_documents;
    return opts;
}

client_options cached_options(const emulator::server& server, std::shared_ptr<score_cache> cache) {
    auto opts = client_options_for(server);
    opts.cache = std::move(cache);
    return opts;
}

request documents(std::vector<std::string> docs, std::optional<std::size_t> top_n = {}) {
    request req;
    req.query = "rerank model relevance";
    req.documents = std::move(docs);
    req.top_n = top_n;
    return req;
}

// The documents of the last request the emulator read, and whether it carried top_n.
struct sent_body {
    std::vector<std::string> documents;
    bool has_top_n = false;
};
sent_body last_sent(const emulator::server& server) {
    sent_body out;
    const auto last = server.stats().last_request;
    BOOST_TEST_REQUIRE(last.has_value());
    const auto body = boost::json::parse(last->body).as_object();
    for (const auto& d : body.at("documents").as_array())
        out.documents.emplace_back(d.as_string());
    out.has_top_n = body.contains("top_n");
    return out;
}

void same_ranking(const call_outcome& got, const call_outcome& expected, const request& req) {
    BOOST_TEST_REQUIRE(got.res.results.size() == expected.res.results.size());
    for (std::size_t i = 0; i < got.res.results.size(); ++i) {
        const result& g = got.res.results[i];
        BOOST_TEST(g.index == expected.res.results[i].index);
        BOOST_TEST(g.relevance_score == expected.res.results[i].relevance_score);
        BOOST_TEST(g.document.data() == req.documents[g.index].data());
    }
}

struct lookups : observer {
    std::vector<std::pair<std::size_t, std::size_t>> seen; // (hits, misses)
    void on_cache_lookup(const cache_lookup_event& e) override {
        seen.emplace_back(e.hits, e.misses);
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(client_cache)

BOOST_AUTO_TEST_CASE(a_fully_cached_call_sends_nothing) {
    emulator_fixture f(independent_scoring());
    f.run([&]() -> net::awaitable<void> {
        auto cache = std::make_shared<score_cache>();
        auto watcher = std::make_shared<lookups>();
        auto opts = cached_options(f.server, cache);
        opts.observer = watcher;
        client c(f.ioc.get_executor(), opts);
        const request req = sample_request();
        const auto first = co_await call(c, req);
        BOOST_TEST_REQUIRE(!first.ec, first.diag.to_string());
        BOOST_TEST(first.res.requests == 1u);
        BOOST_TEST(first.res.cached == 0u);
        const pool_stats before = c.stats();
        BOOST_TEST(before.cache.entries == 5u);
        BOOST_TEST(before.cache.misses == 5u);

        const auto again = co_await call(c, req);
        BOOST_TEST_REQUIRE(!again.ec, again.diag.to_string());
        BOOST_TEST(again.res.requests == 0u);
        BOOST_TEST(again.res.cached == 5u);
        BOOST_TEST(again.res.request_ids.empty());
        BOOST_TEST(again.res.usage.total_tokens == 0u);
        BOOST_TEST(again.res.model == "qwen3-rerank");
        same_ranking(again, first, req);
        BOOST_TEST(f.server.stats().requests == 1u);
        const pool_stats after = c.stats();
        BOOST_TEST(after.attempts == before.attempts);
        BOOST_TEST(after.connections_created == before.connections_created);
        BOOST_TEST(after.connections_reused == before.connections_reused);
        BOOST_TEST(after.cache.hits == 5u);
        BOOST_TEST(
            (watcher->seen == std::vector<std::pair<std::size_t, std::size_t>>{{0, 5}, {5, 0}}));
    });
}

// A cached call does no I/O: its handler must still never run inside async_rerank, even when
// that is called from the strand (here: from the completion of another cached call), or a
// caller looping over cached calls recurses without bound.
BOOST_AUTO_TEST_CASE(a_cached_call_never_completes_inside_async_rerank) {
    emulator_fixture f(independent_scoring());
    f.run([&]() -> net::awaitable<void> {
        client c(f.ioc.get_executor(), cached_options(f.server, std::make_shared<score_cache>()));
        const request req = sample_request();
        BOOST_TEST_REQUIRE(!(co_await call(c, req)).ec);

        bool initiating = false;
        bool completed_inside = false;
        int completed = 0;
        net::steady_timer done(f.ioc, net::steady_timer::time_point::max());
        c.async_rerank(req, [&](error_code ec, response) {
            BOOST_TEST(!ec);
            initiating = true;
            c.async_rerank(req, [&](error_code ec2, response res) {
                BOOST_TEST(!ec2);
                BOOST_TEST(res.requests == 0u);
                completed_inside = initiating;
                ++completed;
                done.cancel();
            });
            initiating = false;
        });
        if (completed == 0) // (it has completed already if it ran inside)
            co_await done.async_wait(net::as_tuple(net::use_awaitable));
        BOOST_TEST(completed == 1);
        BOOST_TEST(!completed_inside);

        for (int i = 0; i < 5000; ++i) {
            const auto again = co_await call(c, req);
            BOOST_TEST_REQUIRE(again.res.requests == 0u);
        }
        BOOST_TEST(f.server.stats().requests == 1u);
    });
}

BOOST_AUTO_TEST_CASE(a_partial_hit_sends_only_the_misses_and_ranks_like_one_request) {
    emulator_fixture f(independent_scoring());
    f.run([&]() -> net::awaitable<void> {
        client c(f.ioc.get_executor(), cached_options(f.server, std::make_shared<score_cache>()));
        client plain(f.ioc.get_executor(), client_options_for(f.server));
        const request warm = documents({"rerank a model", "search relevance", "paris"});
        BOOST_TEST_REQUIRE(!(co_await call(c, warm)).ec);

        // Two of five documents known; the call asks for the best 3.
        const request req = documents(
            {"rerank model relevance", "paris", "a river", "search relevance", "model"}, 3);
        const auto got = co_await call(c, req);
        BOOST_TEST_REQUIRE(!got.ec, got.diag.to_string());
        BOOST_TEST(got.res.requests == 1u);
        BOOST_TEST(got.res.cached == 2u);
        const sent_body sent = last_sent(f.server);
        BOOST_TEST((sent.documents ==
                    std::vector<std::string>{"rerank model relevance", "a river", "model"}));
        BOOST_TEST(!sent.has_top_n); // every miss's score is wanted, top_n is cut here
        BOOST_TEST(got.res.results.size() == 3u);

        const auto expected = co_await call(plain, req);
        BOOST_TEST_REQUIRE(!expected.ec);
        BOOST_TEST(last_sent(f.server).has_top_n); // without a cache, top_n goes to the server
        same_ranking(got, expected, req);
    });
}

BOOST_AUTO_TEST_CASE(top_n_over_cached_documents_is_cut_from_the_merged_ranking) {
    emulator_fixture f(independent_scoring());
    f.run([&]() -> net::awaitable<void> {
        client c(f.ioc.get_executor(), cached_options(f.server, std::make_shared<score_cache>()));
        client plain(f.ioc.get_executor(), client_options_for(f.server));
        // The best documents are the cached ones: the misses' best alone would be wrong.
        const request warm = documents({"rerank model relevance", "rerank model"});
        BOOST_TEST_REQUIRE(!(co_await call(c, warm)).ec);
        const request req = documents({"paris", "rerank model", "a river", "rerank model relevance",
                                       "mountain", "model relevance"},
                                      2);
        const auto got = co_await call(c, req);
        BOOST_TEST_REQUIRE(!got.ec, got.diag.to_string());
        BOOST_TEST(got.res.cached == 2u);
        BOOST_TEST(!last_sent(f.server).has_top_n);
        BOOST_TEST(last_sent(f.server).documents.size() == 4u);
        const auto expected = co_await call(plain, req);
        BOOST_TEST_REQUIRE(!expected.ec);
        BOOST_TEST_REQUIRE(expected.res.results.size() == 2u);
        same_ranking(got, expected, req);
        BOOST_TEST(got.res.results[0].index == 3u);

        // Every document is cached now (without top_n, each miss's score was learnt).
        const auto hit = co_await call(c, req);
        BOOST_TEST(hit.res.requests == 0u);
        same_ranking(hit, expected, req);
    });
}

BOOST_AUTO_TEST_CASE(the_misses_of_a_large_call_are_split_by_the_batcher) {
    emulator_fixture f(independent_scoring(4));
    f.run([&]() -> net::awaitable<void> {
        auto opts = cached_options(f.server, std::make_shared<score_cache>());
        rerank::limits four;
        four.max_documents = 4;
        opts.limits = four;
        client c(f.ioc.get_executor(), opts);
        client plain(f.ioc.get_executor(), client_options_for(f.server));
        std::vector<std::string> docs;
        for (int i = 0; i < 12; ++i)
            docs.push_back("rerank " + std::string(std::size_t(i % 4 + 1), 'x') + " model " +
                           std::to_string(i));
        request warm = documents({docs.begin(), docs.begin() + 5});
        const auto first = co_await call(c, warm);
        BOOST_TEST_REQUIRE(!first.ec, first.diag.to_string());
        BOOST_TEST(first.res.requests == 2u);

        request req = documents(docs, 5);
        f.server.reset_stats();
        const auto got = co_await call(c, req);
        BOOST_TEST_REQUIRE(!got.ec, got.diag.to_string());
        BOOST_TEST(got.res.cached == 5u);
        BOOST_TEST(got.res.requests == 2u); // 7 misses, 4 per request
        BOOST_TEST(f.server.stats().requests == 2u);

        auto whole_opts = client_options_for(f.server);
        whole_opts.limits = four;
        client whole(f.ioc.get_executor(), whole_opts);
        const auto expected = co_await call(whole, req);
        BOOST_TEST_REQUIRE(!expected.ec);
        same_ranking(got, expected, req);
    });
}

BOOST_AUTO_TEST_CASE(a_failed_call_stores_nothing) {
    emulator_fixture f(independent_scoring());
    f.run([&]() -> net::awaitable<void> {
        auto cache = std::make_shared<score_cache>();
        client c(f.ioc.get_executor(), cached_options(f.server, cache));
        const request req = sample_request();
        f.server.push_fault(emulator::fault::malformed_json());
        const auto failed = co_await call(c, req);
        BOOST_TEST(failed.ec == errc::bad_response);
        BOOST_TEST(cache->stats().entries == 0u);
        BOOST_TEST(cache->stats().insertions == 0u);

        const auto next = co_await call(c, req);
        BOOST_TEST_REQUIRE(!next.ec, next.diag.to_string());
        BOOST_TEST(next.res.cached == 0u);
        BOOST_TEST(next.res.requests == 1u);
    });
}

BOOST_AUTO_TEST_CASE(two_clients_share_one_cache) {
    emulator_fixture f(independent_scoring());
    f.run([&]() -> net::awaitable<void> {
        auto cache = std::make_shared<score_cache>();
        client a(f.ioc.get_executor(), cached_options(f.server, cache));
        client b(f.ioc.get_executor(), cached_options(f.server, cache));
        const request req = sample_request();
        const auto first = co_await call(a, req);
        BOOST_TEST_REQUIRE(!first.ec, first.diag.to_string());
        const auto second = co_await call(b, req);
        BOOST_TEST_REQUIRE(!second.ec, second.diag.to_string());
        BOOST_TEST(second.res.requests == 0u);
        BOOST_TEST(second.res.cached == 5u);
        same_ranking(second, first, req);
        BOOST_TEST(f.server.stats().requests == 1u);
        BOOST_TEST(a.stats().cache.hits == 5u); // one cache, one set of counters

        // Another model is another key: nothing is shared across models.
        request other = req;
        other.model = "gte-rerank-v2";
        const auto third = co_await call(b, other);
        BOOST_TEST_REQUIRE(!third.ec, third.diag.to_string());
        BOOST_TEST(third.res.cached == 0u);
    });
}

// Cached scores are ranked with fresh ones: a listwise model's scores do not mix that way.
BOOST_AUTO_TEST_CASE(a_listwise_model_neither_reads_nor_fills_the_cache_unless_allowed) {
    auto opts = tls_emulator_options(dialect::jina);
    opts.models.push_back("jina-reranker-v3");
    emulator_fixture f(opts);
    f.run([&]() -> net::awaitable<void> {
        for (const bool allowed : {false, true}) {
            auto cache = std::make_shared<score_cache>();
            client_options o = client_options_for(f.server, dialect::jina);
            o.model = "jina-reranker-v3";
            o.cache = cache;
            o.split_listwise = allowed;
            client c(f.ioc.get_executor(), o);
            const request req = sample_request();
            const auto first = co_await call(c, req);
            BOOST_TEST_REQUIRE(!first.ec, first.diag.to_string());
            const auto second = co_await call(c, req);
            BOOST_TEST_REQUIRE(!second.ec, second.diag.to_string());
            BOOST_TEST(second.res.cached == (allowed ? 5u : 0u), "split_listwise " << allowed);
            BOOST_TEST(cache->stats().entries == (allowed ? 5u : 0u));
        }
    });
}

BOOST_AUTO_TEST_SUITE_END()
