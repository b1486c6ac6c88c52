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

} // namespace

BOOST_AUTO_TEST_SUITE(client_batching)

BOOST_AUTO_TEST_CASE(split_call_ranks_like_one_request) {
    emulator_fixture limited(independent_scoring(500));
    emulator_fixture unlimited(independent_scoring(100000, 100000000));
    limited.run([&]() -> net::awaitable<void> {
        request req = many_documents(1234, 7);
        req.top_n = 40;
        client split(limited.ioc.get_executor(), client_options_for(limited.server));
        auto merged = co_await call(split, req);
        BOOST_TEST_REQUIRE(!merged.ec, merged.diag.to_string());
        BOOST_TEST(merged.res.requests == 3u);
        BOOST_TEST(merged.res.request_ids.size() == 3u);
        BOOST_TEST(merged.res.results.size() == 40u);
        BOOST_TEST(limited.server.stats().requests == 3u);

        auto opts = client_options_for(unlimited.server);
        rerank::limits no_limits;
        no_limits.max_documents = 100000;
        no_limits.max_request_tokens = 100000000;
        opts.limits = no_limits;
        client whole(limited.ioc.get_executor(), opts);
        auto single = co_await call(whole, req);
        BOOST_TEST_REQUIRE(!single.ec, single.diag.to_string());
        BOOST_TEST(single.res.requests == 1u);
        BOOST_TEST_REQUIRE(single.res.results.size() == merged.res.results.size());
        for (std::size_t i = 0; i < merged.res.results.size(); ++i) {
            BOOST_TEST(merged.res.results[i].index == single.res.results[i].index);
            BOOST_TEST(merged.res.results[i].relevance_score ==
                       single.res.results[i].relevance_score);
            BOOST_TEST(merged.res.results[i].document ==
                       req.documents[merged.res.results[i].index]);
        }
        // Usage is summed over the sub-requests.
        BOOST_TEST(merged.res.usage.total_tokens >= single.res.usage.total_tokens);
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

BOOST_AUTO_TEST_SUITE_END()
