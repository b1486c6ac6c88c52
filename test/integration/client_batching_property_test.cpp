// Property test of batching end to end: random document sets of 1 to 20,000 documents from every
// script of the tokenizer corpus, items over 4,000 tokens, long queries, budgets 120,000 and
// 30,000. The emulator counts with the exact Qwen3 tokenizer (its default) and accepts every
// sub-request; the merged ranking equals the ranking of all documents computed directly by the
// emulator's scoring function, top_n and ties included; the request count is the planner's
// minimum.
#include "emulator/bm25.hpp"
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

enum class query_kind {
    /// A few words.
    short_text,
    /// Two corpus texts: from a few tokens to over 4,000.
    two_texts,
    /// Corpus texts until over 4,000 tokens: it counts 4,000 in every request (the server
    /// truncates it), leaving room for few documents (at most 29 at a 120,000 budget).
    over_item_limit,
};

const char* to_string(query_kind kind) {
    switch (kind) {
    case query_kind::short_text:
        return "short query";
    case query_kind::two_texts:
        return "two-text query";
    case query_kind::over_item_limit:
        return "query over 4,000 tokens";
    }
    return "?";
}

struct shape {
    std::size_t documents;
    std::size_t budget;
    query_kind query;
    std::optional<std::size_t> top_n;
    /// Sends an instruct, which counts with the query in every request.
    bool instruct = false;
};

std::string random_query(query_kind kind, std::mt19937& rng) {
    const auto& texts = corpus();
    switch (kind) {
    case query_kind::short_text:
        return "rerank model for search";
    case query_kind::two_texts:
        return texts[rng() % texts.size()] + " " + texts[rng() % texts.size()];
    case query_kind::over_item_limit: {
        std::string query = texts[rng() % texts.size()];
        while (qwen3_tokenizer::builtin().count(query) <= 4000)
            query += " " + texts[rng() % texts.size()];
        return query;
    }
    }
    return {};
}

// Documents drawn at random from the corpus (with repeats, so equal scores occur and ties are
// exercised; about 5% of the corpus's texts are over 4,000 tokens).
request random_request(const shape& s, std::mt19937& rng) {
    const auto& texts = corpus();
    request req;
    req.query = random_query(s.query, rng);
    if (s.instruct)
        req.instruct = "Given a web search query, retrieve relevant passages that answer it.";
    req.documents.reserve(s.documents);
    for (std::size_t i = 0; i < s.documents; ++i)
        req.documents.push_back(texts[rng() % texts.size()]);
    req.top_n = s.top_n;
    return req;
}

// The emulator's own scoring of all documents at once: what one unlimited request would rank.
std::vector<std::pair<std::size_t, double>> direct_ranking(const request& req) {
    const std::vector<std::string_view> documents(req.documents.begin(), req.documents.end());
    const std::vector<double> scores =
        emulator::detail::score_documents(req.query, documents, emulator::scoring::independent);
    std::vector<std::pair<std::size_t, double>> out;
    for (std::size_t index : emulator::detail::rank(scores, req.top_n.value_or(documents.size())))
        out.emplace_back(index, scores[index]);
    return out;
}

// Exact token counts (the emulator's default), scores independent of the other documents of a
// request (as qwen3-rerank's), the given budget, 500 documents per request.
emulator::options exact_emulator(std::size_t budget) {
    auto opts = tls_emulator_options();
    opts.scoring = emulator::scoring::independent;
    opts.max_request_tokens = budget;
    opts.max_documents = 500;
    return opts;
}

void check_shape(const shape& s, std::mt19937& rng) {
    BOOST_TEST_CONTEXT(s.documents << " documents, budget " << s.budget << ", "
                                   << to_string(s.query)) {
        const request req = random_request(s, rng);
        limits lim = limits::for_model("qwen3-rerank");
        lim.max_request_tokens = s.budget;
        batch_plan plan;
        diagnostics plan_diag;
        const error_code plan_ec = plan_batches(req, lim, qwen3_token_counter(), plan, plan_diag);
        BOOST_TEST_MESSAGE(plan.batches.size() << " sub-requests planned");

        emulator_fixture limited(exact_emulator(s.budget));
        limited.run(
            [&]() -> net::awaitable<void> {
                auto opts = client_options_for(limited.server);
                opts.limits = lim;
                opts.timeout = std::chrono::seconds(150);
                client split(limited.ioc.get_executor(), opts);
                auto merged = co_await call(split, req);
                if (plan_ec) {
                    // A long query can leave no room for some document: refused before sending.
                    BOOST_TEST(merged.ec == errc::invalid_request);
                    BOOST_TEST(limited.server.stats().requests == 0u);
                    co_return;
                }
                BOOST_TEST_REQUIRE(!merged.ec, merged.diag.to_string());
                const auto stats = limited.server.stats();
                BOOST_TEST(merged.res.requests == plan.batches.size());
                BOOST_TEST(stats.requests == plan.batches.size()); // every sub-request accepted
                BOOST_TEST(stats.responses_by_status.size() == 1u);
                BOOST_TEST(stats.responses_by_status.at(200) == plan.batches.size());

                const auto direct = direct_ranking(req);
                const std::size_t expected =
                    std::min(req.top_n.value_or(req.documents.size()), req.documents.size());
                BOOST_TEST(direct.size() == expected);
                BOOST_TEST_REQUIRE(merged.res.results.size() == expected);
                std::size_t mismatches = 0, first_mismatch = 0, ties = 0, misordered_ties = 0;
                for (std::size_t i = 0; i < expected; ++i) {
                    const result& r = merged.res.results[i];
                    if (r.index != direct[i].first || r.relevance_score != direct[i].second)
                        first_mismatch = mismatches++ == 0 ? i : first_mismatch;
                    if (i > 0 && merged.res.results[i - 1].relevance_score == r.relevance_score) {
                        ++ties; // equal scores: the lower index first
                        misordered_ties += merged.res.results[i - 1].index > r.index;
                    }
                }
                BOOST_TEST(mismatches == 0u, "first difference at rank " << first_mismatch);
                BOOST_TEST(misordered_ties == 0u);
                BOOST_TEST_MESSAGE(ties << " ties among the " << expected << " results");
                const auto& first = merged.res.results.front();
                BOOST_TEST(first.document.data() == req.documents[first.index].data());
            },
            std::chrono::seconds(180));
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(client_batching_properties)

BOOST_AUTO_TEST_CASE(random_sets_merge_like_one_ranking) {
    BOOST_TEST_REQUIRE(corpus().size() == 2005u);
    std::mt19937 rng(20261125);
    using enum query_kind;
    const std::vector<shape> shapes = {
        {1, 120000, short_text, std::nullopt}, {37, 30000, two_texts, 5},
        {700, 120000, short_text, 20, true},   {260, 30000, short_text, std::nullopt},
        {1500, 120000, two_texts, 100, true},  {3000, 120000, short_text, 10},
        {400, 120000, over_item_limit, 7},     {90, 30000, over_item_limit, std::nullopt, true},
    };
    for (const auto& s : shapes)
        check_shape(s, rng);
}

// CI also runs test_client under ASan and TSan, for the pool and cancellation paths; there
// tokenizing 46 MB of text takes minutes and proves nothing new, so the release run has it.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool sanitizer_build = true;
#else
constexpr bool sanitizer_build = false;
#endif

// The upper end: 20,000 documents (about 46 MB of text, 14 million tokens) under both
// budgets, with long queries (every request carries the query once per document).
BOOST_AUTO_TEST_CASE(twenty_thousand_documents_merge_like_one_ranking,
                     *boost::unit_test::enable_if<!sanitizer_build>()) {
    BOOST_TEST_REQUIRE(corpus().size() == 2005u);
    std::mt19937 rng(4000);
    using enum query_kind;
    const std::vector<shape> shapes = {
        {20000, 120000, over_item_limit, 100, true},
        {20000, 30000, two_texts, std::nullopt},
    };
    for (const auto& s : shapes)
        check_shape(s, rng);
}

BOOST_AUTO_TEST_SUITE_END()
