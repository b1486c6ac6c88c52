// Calls over the API's limits: split into sub-requests, run concurrently, merged by score.
#include "integration/call_helpers.hpp"
#include "support/emulator_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <random>

using namespace rerank;
using namespace rerank::test;
namespace net = boost::asio;

namespace {

// Scores that do not depend on the other documents of a request, like qwen3-rerank's: a split
// call must then rank exactly like one big request.
emulator::options independent_scoring(std::size_t max_documents = 500,
                                      std::size_t max_tokens = 120000) {
    auto opts = tls_emulator_options();
    opts.scoring = emulator::scoring::independent;
    opts.max_documents = max_documents;
    opts.max_request_tokens = max_tokens;
    return opts;
}

request many_documents(std::size_t n, unsigned seed) {
    static const char* words[] = {"rerank", "model",  "search", "query",    "document", "relevance",
                                  "paris",  "france", "river",  "mountain", "vector",   "index"};
    std::mt19937 rng(seed);
    request req;
    req.query = "rerank model relevance for search";
    req.documents.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        std::string doc;
        const int len = 3 + static_cast<int>(rng() % 12);
        for (int w = 0; w < len; ++w)
            doc.append(words[rng() % 12]).push_back(' ');
        doc += std::to_string(i); // every document distinct
        req.documents.push_back(std::move(doc));
    }
    return req;
}

// `n` documents of about `words` words each (a few more Qwen3 tokens than words).
request long_documents(std::size_t n, std::size_t words, unsigned seed) {
    request req = many_documents(n, seed);
    for (auto& doc : req.documents) {
        const std::string base = doc;
        while (doc.size() < words * 7)
            doc += " " + base;
    }
    return req;
}

// Ranks `req` in one request, against a server without limits: what a split call must equal.
struct direct_ranking {
    emulator_fixture server{independent_scoring(100000, 100000000)};
    response rank(const request& req) {
        response out;
        server.run([&]() -> net::awaitable<void> {
            auto opts = client_options_for(server.server);
            rerank::limits none;
            none.max_documents = 100000;
            none.max_request_tokens = 100000000;
            opts.limits = none;
            client c(server.ioc.get_executor(), opts);
            auto r = co_await call(c, req);
            BOOST_TEST_REQUIRE(!r.ec, r.diag.to_string());
            out = std::move(r.res);
        });
        return out;
    }
};

void check_same_ranking(const response& got, const response& want) {
    BOOST_TEST_REQUIRE(got.results.size() == want.results.size());
    for (std::size_t i = 0; i < got.results.size(); ++i) {
        BOOST_TEST(got.results[i].index == want.results[i].index);
        BOOST_TEST(got.results[i].relevance_score == want.results[i].relevance_score);
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(client_batching)

BOOST_AUTO_TEST_CASE(split_call_ranks_like_one_request) {
    emulator_fixture limited(independent_scoring(500));
    request req = many_documents(1234, 7);
    req.top_n = 40;
    const response single = direct_ranking{}.rank(req);
    BOOST_TEST(single.requests == 1u);
    limited.run([&]() -> net::awaitable<void> {
        client split(limited.ioc.get_executor(), client_options_for(limited.server));
        auto merged = co_await call(split, req);
        BOOST_TEST_REQUIRE(!merged.ec, merged.diag.to_string());
        BOOST_TEST(merged.res.requests == 3u);
        BOOST_TEST(merged.res.request_ids.size() == 3u);
        BOOST_TEST(merged.res.results.size() == 40u);
        BOOST_TEST(limited.server.stats().requests == 3u);
        check_same_ranking(merged.res, single);
        for (const auto& r : merged.res.results)
            BOOST_TEST(r.document == req.documents[r.index]);
        // Usage is summed over the sub-requests.
        BOOST_TEST(merged.res.usage.total_tokens >= single.usage.total_tokens);
    });
}

BOOST_AUTO_TEST_CASE(every_sub_request_stays_under_the_token_budget) {
    // The emulator counts UTF-8 bytes here (more than Qwen3 tokens; its default is exact), so
    // that it refuses sub-requests the client's exact counts let through: this test is about
    // the client splitting again what the server still calls too large.
    auto emulator_opts = independent_scoring(500, 20000);
    emulator_opts.count_tokens = emulator::approximate_token_count;
    emulator_fixture f(emulator_opts);
    f.run([&]() -> net::awaitable<void> {
        request req = many_documents(600, 11);
        auto opts = client_options_for(f.server);
        rerank::limits lim;
        lim.max_request_tokens = 20000;
        opts.limits = lim;
        client c(f.ioc.get_executor(), opts);
        auto out = co_await call(c, req);
        BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());
        BOOST_TEST(out.res.results.size() == req.documents.size());
        BOOST_TEST(out.res.requests >= 2u);
        BOOST_TEST(f.server.stats().responses_by_status.count(400) == 1u); // refusals happened
        // Whatever the server refused as too large was split again, and every document is ranked
        // once.
        std::vector<bool> seen(req.documents.size());
        for (const auto& r : out.res.results) {
            BOOST_TEST(!seen[r.index]);
            seen[r.index] = true;
        }
    });
}

BOOST_AUTO_TEST_CASE(a_failed_sub_request_fails_the_call_naming_the_range) {
    emulator_fixture f(independent_scoring(100));
    f.run([&]() -> net::awaitable<void> {
        auto opts = client_options_for(f.server);
        opts.retry.max_attempts = 1;
        opts.max_parallel_requests = 1;
        rerank::limits lim;
        lim.max_documents = 100;
        opts.limits = lim;
        client c(f.ioc.get_executor(), opts);
        f.server.push_fault(emulator::fault::normal());
        f.server.push_fault(emulator::fault::status(
            403, R"({"request_id":"x","code":"AccessDenied","message":"denied"})"));
        request req = many_documents(300, 3);
        auto out = co_await call(c, req);
        BOOST_TEST(out.ec == errc::permission_denied);
        BOOST_TEST(out.diag.client_message.find("documents 100 to 199") != std::string::npos,
                   out.diag.client_message);
        BOOST_TEST(out.res.results.empty());
    });
}

BOOST_AUTO_TEST_CASE(refused_items_are_invalid_requests) {
    emulator_fixture f;
    f.run([&]() -> net::awaitable<void> {
        auto opts = client_options_for(f.server);
        rerank::limits lim;
        lim.oversized_items = oversized_item_policy::refuse;
        opts.limits = lim;
        client c(f.ioc.get_executor(), opts);
        request req = sample_request();
        req.documents.push_back(std::string(40000, 'x') + " end");
        auto out = co_await call(c, req);
        BOOST_TEST(out.ec == errc::invalid_request);
        BOOST_TEST(out.diag.client_message.find("document 5") != std::string::npos,
                   out.diag.client_message);
        BOOST_TEST(f.server.stats().requests == 0u);
    });
}

// The issue's case: the documented cap is 120,000 tokens, the server's real one 30,000. The
// call goes out as one request by our limits, is refused, and is re-planned under the limit the
// refusal states; the next call plans under it from the start.
BOOST_AUTO_TEST_CASE(a_single_request_over_the_servers_real_token_cap_is_split_by_its_statement) {
    emulator_fixture f(independent_scoring(500, 30000));
    request req = long_documents(300, 150, 5);
    const response want = direct_ranking{}.rank(req);
    f.run([&]() -> net::awaitable<void> {
        client c(f.ioc.get_executor(), client_options_for(f.server));
        BOOST_TEST(c.limits_for().max_request_tokens == 120000u);
        auto out = co_await call(c, req);
        BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());
        check_same_ranking(out.res, want);
        BOOST_TEST(out.res.requests >= 2u);
        BOOST_TEST(f.server.stats().responses_by_status[400] == 1u);
        BOOST_TEST(out.diag.limits_note.find("30,000 tokens per request") != std::string::npos,
                   out.diag.limits_note);
        BOOST_TEST(out.diag.to_string().find("limits: ") != std::string::npos);
        BOOST_TEST(c.limits_for().max_request_tokens == 30000u);
        BOOST_TEST(c.limits_for("other-model").max_request_tokens == 120000u);
        BOOST_TEST(c.stats().limits_learned == 1u);
        BOOST_TEST(c.stats().refused_splits == 1u);

        // Paid once: the next call is planned under the learned cap and nothing is refused.
        auto again = co_await call(c, req);
        BOOST_TEST_REQUIRE(!again.ec, again.diag.to_string());
        check_same_ranking(again.res, want);
        BOOST_TEST(f.server.stats().responses_by_status[400] == 1u);
        BOOST_TEST(again.diag.limits_note.find("planned under limits learned") != std::string::npos,
                   again.diag.limits_note);
        BOOST_TEST(c.stats().refused_splits == 1u);
    });
}

BOOST_AUTO_TEST_CASE(a_stated_document_cap_is_learned_too) {
    emulator_fixture f(independent_scoring(100, 120000));
    request req = many_documents(300, 9);
    req.top_n = 7;
    const response want = direct_ranking{}.rank(req);
    f.run([&]() -> net::awaitable<void> {
        client c(f.ioc.get_executor(), client_options_for(f.server));
        auto out = co_await call(c, req);
        BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());
        check_same_ranking(out.res, want);
        BOOST_TEST(out.res.requests == 3u); // re-planned: 100 + 100 + 100
        BOOST_TEST(c.limits_for().max_documents == 100u);
        BOOST_TEST(out.diag.limits_note.find("100 documents per request") != std::string::npos,
                   out.diag.limits_note);
    });
}

BOOST_AUTO_TEST_CASE(a_refusal_that_states_no_limit_halves_a_single_request) {
    emulator_fixture f(independent_scoring());
    request req = many_documents(10, 3);
    const response want = direct_ranking{}.rank(req);
    f.run([&]() -> net::awaitable<void> {
        client c(f.ioc.get_executor(), client_options_for(f.server));
        f.server.push_fault(emulator::fault::status(
            413, R"({"request_id":"r","code":"RequestTooLarge","message":"too large"})"));
        auto out = co_await call(c, req);
        BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());
        check_same_ranking(out.res, want);
        BOOST_TEST(out.res.requests == 2u);
        BOOST_TEST(c.stats().limits_learned == 0u);
        BOOST_TEST(c.limits_for().max_documents == 500u);
        BOOST_TEST(out.diag.limits_note.find("sent again as 2 requests") != std::string::npos,
                   out.diag.limits_note);
    });
}

BOOST_AUTO_TEST_CASE(a_document_alone_over_the_stated_limit_fails_with_the_servers_answer) {
    emulator_fixture f(independent_scoring(500, 2000));
    request req = many_documents(20, 4);
    req.documents[13] = long_documents(1, 1500, 1).documents[0]; // ~2,000+ tokens alone
    f.run([&]() -> net::awaitable<void> {
        client c(f.ioc.get_executor(), client_options_for(f.server));
        auto out = co_await call(c, req);
        BOOST_TEST(out.ec == errc::bad_request);
        BOOST_TEST(out.diag.http_status == 400u);
        BOOST_TEST(out.diag.client_message.find("under the limit the server stated (2,000 "
                                                "tokens per request)") != std::string::npos,
                   out.diag.client_message);
        BOOST_TEST(out.diag.client_message.find("document 13") != std::string::npos,
                   out.diag.client_message);
        BOOST_TEST(f.server.stats().requests == 1u);
    });
}

BOOST_AUTO_TEST_SUITE_END()
