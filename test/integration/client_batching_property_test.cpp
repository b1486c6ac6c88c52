// Property test of batching end to end: random document sets from every script of the tokenizer
// corpus, items over 4,000 tokens, long queries, budgets 120,000 and 30,000. The emulator counts
// with the exact Qwen3 tokenizer and accepts every sub-request; the merged ranking equals the
// ranking of all documents scored directly; the request count is the planner's minimum.
#include "integration/call_helpers.hpp"
#include "support/emulator_fixture.hpp"
#include "support/paths.hpp"

#include <rerank/batch_plan.hpp>
#include <rerank/qwen3_tokenizer.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <random>

using namespace rerank;
using namespace rerank::test;
namespace net = boost::asio;

namespace {

const std::vector<std::string>& corpus() {
    static const std::vector<std::string> texts = [] {
        std::vector<std::string> out;
        std::ifstream in(data_path("tokenizer/corpus.jsonl"));
        std::string line;
        while (std::getline(in, line))
            out.emplace_back(boost::json::parse(line).at("text").as_string());
        return out;
    }();
    return texts;
}

std::size_t exact_count(std::string_view text) {
    return qwen3_tokenizer::builtin().count(text);
}

emulator::options exact_emulator(std::size_t budget, std::size_t max_documents) {
    auto opts = tls_emulator_options();
    opts.scoring = emulator::scoring::independent;
    opts.count_tokens = exact_count;
    opts.max_request_tokens = budget;
    opts.max_documents = max_documents;
    return opts;
}

} // namespace

BOOST_AUTO_TEST_SUITE(client_batching_properties)

BOOST_AUTO_TEST_CASE(random_sets_merge_like_one_ranking) {
    const auto& texts = corpus();
    BOOST_TEST_REQUIRE(texts.size() == 2005u);
    std::mt19937 rng(20261125);
    struct shape {
        std::size_t documents;
        std::size_t budget;
        bool long_query;
        std::optional<std::size_t> top_n;
    };
    const std::vector<shape> shapes = {
        {1, 120000, false, std::nullopt},  {37, 30000, true, 5},      {700, 120000, false, 20},
        {260, 30000, false, std::nullopt}, {1500, 120000, true, 100}, {3000, 120000, false, 10},
    };
    for (const auto& s : shapes) {
        emulator_fixture limited(exact_emulator(s.budget, 500));
        emulator_fixture direct(exact_emulator(1'000'000'000, 1'000'000));
        request req;
        req.query = s.long_query ? texts[rng() % texts.size()] + " " + texts[rng() % texts.size()]
                                 : "rerank model for search";
        for (std::size_t i = 0; i < s.documents; ++i)
            req.documents.push_back(texts[rng() % texts.size()]);
        req.top_n = s.top_n;

        limits lim = limits::for_model("qwen3-rerank");
        lim.max_request_tokens = s.budget;
        batch_plan plan;
        diagnostics plan_diag;
        const error_code plan_ec = plan_batches(req, lim, qwen3_token_counter(), plan, plan_diag);

        limited.run([&]() -> net::awaitable<void> {
            auto opts = client_options_for(limited.server);
            opts.limits = lim;
            client split(limited.ioc.get_executor(), opts);
            auto merged = co_await call(split, req);
            if (plan_ec) {
                // A long query can leave no room for some document: refused before sending.
                BOOST_TEST(merged.ec == errc::invalid_request);
                BOOST_TEST(limited.server.stats().requests == 0u);
                co_return;
            }
            BOOST_TEST_REQUIRE(!merged.ec, s.documents << " docs: " << merged.diag.to_string());
            const auto stats = limited.server.stats();
            BOOST_TEST(merged.res.requests == plan.batches.size());
            BOOST_TEST(stats.requests == plan.batches.size()); // every sub-request accepted
            BOOST_TEST(stats.responses_by_status.size() == 1u);
            BOOST_TEST(stats.responses_by_status.at(200) == plan.batches.size());

            auto whole_opts = client_options_for(direct.server);
            limits none = lim;
            none.max_documents = 1'000'000;
            none.max_request_tokens = 1'000'000'000;
            whole_opts.limits = none;
            client whole(limited.ioc.get_executor(), whole_opts);
            auto single = co_await call(whole, req);
            BOOST_TEST_REQUIRE(!single.ec, single.diag.to_string());
            BOOST_TEST(single.res.requests == 1u);
            BOOST_TEST_REQUIRE(merged.res.results.size() == single.res.results.size());
            const std::size_t expected =
                std::min(req.top_n.value_or(req.documents.size()), req.documents.size());
            BOOST_TEST(merged.res.results.size() == expected);
            for (std::size_t i = 0; i < merged.res.results.size(); ++i) {
                BOOST_TEST(merged.res.results[i].index == single.res.results[i].index);
                BOOST_TEST(merged.res.results[i].relevance_score ==
                           single.res.results[i].relevance_score);
                if (i > 0 && merged.res.results[i - 1].relevance_score ==
                                 merged.res.results[i].relevance_score)
                    BOOST_TEST(merged.res.results[i - 1].index < merged.res.results[i].index);
            }
        });
    }
}

BOOST_AUTO_TEST_SUITE_END()
