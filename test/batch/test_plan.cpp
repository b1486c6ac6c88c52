// plan_batches on crafted requests: exact batch counts, and how little it counts exactly.
#include "fake_counter.hpp"

#include <rerank/batch_plan.hpp>

#include <boost/test/unit_test.hpp>

#include <numeric>
#include <string>
#include <vector>

using rerank::batch;
using rerank::batch_plan;
using rerank::limits;
using rerank::request;
using rerank::test::fake_counter;
using rerank::test::plan;
using rerank::test::planned;

namespace {

request make_request(std::size_t query_tokens, std::size_t documents, std::size_t doc_tokens) {
    request req;
    req.query = fake_counter::text_of_tokens(query_tokens, 'q');
    req.documents.assign(documents, fake_counter::text_of_tokens(doc_tokens, 'd'));
    return req;
}

// Sizes of the batches, after checking they cover the documents in order.
std::vector<std::size_t> sizes(const batch_plan& plan, std::size_t documents) {
    std::vector<std::size_t> out;
    std::size_t next = 0;
    for (const batch& b : plan.batches) {
        BOOST_TEST(b.first == next);
        BOOST_TEST(b.count >= 1u);
        next += b.count;
        out.push_back(b.count);
    }
    BOOST_TEST(next == documents);
    return out;
}

std::vector<std::size_t> uniform(std::size_t total, std::size_t per_batch) {
    std::vector<std::size_t> out(total / per_batch, per_batch);
    if (total % per_batch)
        out.push_back(total % per_batch);
    return out;
}

limits with_margin(double margin) {
    limits lim;
    lim.safety_margin = margin;
    return lim;
}

// Plans 100 documents of 4,000 tokens under a 4,000-token query: every request must hold
// `per_request` documents (the last one the rest).
planned plan_long_texts(const limits& lim, std::size_t per_request) {
    fake_counter fc;
    const planned p = plan(make_request(4000, 100, 4000), lim, fc);
    BOOST_TEST(!p.ec);
    BOOST_TEST(sizes(p.plan, 100) == uniform(100, per_request), boost::test_tools::per_element());
    return p;
}

} // namespace

BOOST_AUTO_TEST_SUITE(batch_plan_arithmetic)

// n × (4,000 + 4,000) <= 117,600 → 14 documents per request.
BOOST_AUTO_TEST_CASE(long_query_and_long_documents_default_margin) {
    const planned p = plan_long_texts(limits{}, 14);
    BOOST_TEST(p.plan.batches.size() == 8u);
    BOOST_TEST(p.plan.query_tokens == 4000u);
    BOOST_TEST(!p.plan.single_request());
}

// Without a margin the budget is 120,000: exactly 15 × 8,000.
BOOST_AUTO_TEST_CASE(no_margin_fills_to_the_last_token) {
    plan_long_texts(with_margin(0), 15);
}

// 10% margin: 108,000 → 13 per request.
BOOST_AUTO_TEST_CASE(larger_margin_shrinks_batches) {
    plan_long_texts(with_margin(0.1), 13);
}

// gte-rerank-v2: 29,400 → 3 per request, 34 requests.
BOOST_AUTO_TEST_CASE(budget_of_30000) {
    const planned p = plan_long_texts(limits::for_model("gte-rerank-v2"), 3);
    BOOST_TEST(p.plan.batches.size() == 34u);
}

// 20,000 one-token passages: the 500-document cap binds, and the bounds (4 tokens each) prove
// every batch fits, so nothing is counted exactly.
BOOST_AUTO_TEST_CASE(document_cap_binds_without_exact_counts) {
    fake_counter fc;
    request req;
    req.query = "q";
    req.documents.assign(20000, "abcd");
    const planned p = plan(req, limits{}, fc);
    BOOST_TEST(!p.ec);
    BOOST_TEST(sizes(p.plan, 20000) == uniform(20000, 500), boost::test_tools::per_element());
    BOOST_TEST(fc.exact_calls == 0u);
    BOOST_TEST(!p.plan.query_tokens_exact);
}

// A 3,000-token query and 100-token passages: n × 3,100 <= 117,600 → 37 per request. The bound
// of the query (12,000 bytes, capped at 4,000) would allow only 26: counting it exactly pays.
BOOST_AUTO_TEST_CASE(long_query_shrinks_batches) {
    fake_counter fc;
    const planned p = plan(make_request(3000, 1000, 100), limits{}, fc);
    BOOST_TEST(!p.ec);
    BOOST_TEST(sizes(p.plan, 1000) == uniform(1000, 37), boost::test_tools::per_element());
    BOOST_TEST(p.plan.batches.size() == 28u);
    BOOST_TEST(p.plan.query_tokens == 3000u);
    BOOST_TEST(p.plan.query_tokens_exact);
}

// The instruct counts with the query: 1,000 + 1,000 + 1,000 per document → 39 per request.
BOOST_AUTO_TEST_CASE(instruct_counts_with_the_query) {
    fake_counter fc;
    request req = make_request(1000, 100, 1000);
    const planned without = plan(req, limits{}, fc);
    BOOST_TEST(sizes(without.plan, 100) == uniform(100, 58), boost::test_tools::per_element());

    fake_counter fc2;
    req.instruct = fake_counter::text_of_tokens(1000, 'i');
    const planned with = plan(req, limits{}, fc2);
    BOOST_TEST(!with.ec);
    BOOST_TEST(sizes(with.plan, 100) == uniform(100, 39), boost::test_tools::per_element());
    BOOST_TEST(with.plan.query_tokens == 2000u);
}

// Documents of 10,000 tokens count as 4,000 (the server truncates): 4,002 each with a 2-token
// query → 29 per request.
BOOST_AUTO_TEST_CASE(oversized_documents_count_as_the_item_cap) {
    fake_counter fc;
    request req = make_request(0, 100, 10000);
    req.query = "query";
    const planned p = plan(req, limits{}, fc);
    BOOST_TEST(!p.ec);
    BOOST_TEST(sizes(p.plan, 100) == uniform(100, 29), boost::test_tools::per_element());
    BOOST_TEST(p.plan.document_bytes.empty()); // sent whole
}

// A 100,000-byte body: 9 documents of 10,003 JSON bytes fit beside the 1,025-byte envelope.
// The token bounds (4,001 a document) fit, so nothing is counted exactly.
BOOST_AUTO_TEST_CASE(body_limit_binds) {
    fake_counter fc;
    request req;
    req.query = "q";
    req.documents.assign(100, std::string(10000, 'x'));
    limits lim;
    lim.max_body_bytes = 100000;
    const planned p = plan(req, lim, fc);
    BOOST_TEST(!p.ec);
    BOOST_TEST(sizes(p.plan, 100) == uniform(100, 9), boost::test_tools::per_element());
    BOOST_TEST(fc.exact_calls == 0u);

    // Quotes escape to two bytes: 20,003 each → 4 per body.
    fake_counter fc2;
    req.documents.assign(100, std::string(10000, '"'));
    const planned q = plan(req, lim, fc2);
    BOOST_TEST(!q.ec);
    BOOST_TEST(sizes(q.plan, 100) == uniform(100, 4), boost::test_tools::per_element());
}

// A request that fits by its upper bounds is one request, counted by bounds only.
BOOST_AUTO_TEST_CASE(single_request_fast_path_counts_nothing_exactly) {
    fake_counter fc;
    request req;
    req.query = "hello";
    req.instruct = "Given a web search query, retrieve relevant passages.";
    req.documents.assign(10, std::string(100, 'p'));
    const planned p = plan(req, limits{}, fc);
    BOOST_TEST(!p.ec);
    BOOST_TEST(p.plan.single_request());
    BOOST_TEST((p.plan.batches.front() == batch{0, 10}));
    BOOST_TEST(fc.exact_calls == 0u);
    BOOST_TEST(fc.bound_calls == 12u); // query, instruct, 10 documents: each once
    BOOST_TEST(p.plan.query_tokens == 5u + req.instruct->size());
    BOOST_TEST(!p.plan.query_tokens_exact);
}

// Only what a decision needs is counted: here the bounds of the first 26 documents fit, the
// query's exact count then admits the rest, so no document is counted exactly.
BOOST_AUTO_TEST_CASE(counts_the_query_before_documents) {
    fake_counter fc;
    // Query 3,000 tokens (bound 4,000 after the cap); 30 documents of 100 tokens (bound 400):
    // by bounds 26 × 4,400 <= 117,600 < 27 × 4,400; exactly 30 × 3,100 = 93,000.
    const planned p = plan(make_request(3000, 30, 100), limits{}, fc);
    BOOST_TEST(!p.ec);
    BOOST_TEST(p.plan.single_request());
    BOOST_TEST(fc.exact_calls == 1u);
}

// Without an upper bound every item is counted exactly, once.
BOOST_AUTO_TEST_CASE(without_upper_bound_counts_each_item_once) {
    fake_counter fc;
    request req = make_request(4000, 100, 4000);
    req.instruct = "task";
    const planned p = plan(req, limits{}, fc, false);
    BOOST_TEST(!p.ec);
    BOOST_TEST(p.plan.batches.size() == 8u); // (4,000 + 1) + 4,000 per document: still 14
    BOOST_TEST(fc.exact_calls == 102u);
    BOOST_TEST(fc.bound_calls == 0u);
    BOOST_TEST(p.plan.query_tokens_exact);
}

BOOST_AUTO_TEST_CASE(split_batch_halves) {
    const auto halves = rerank::split_batch(batch{10, 7});
    BOOST_TEST_REQUIRE(halves.has_value());
    BOOST_TEST((halves->first == batch{10, 3}));
    BOOST_TEST((halves->second == batch{13, 4}));
    const auto two = rerank::split_batch(batch{0, 2});
    BOOST_TEST_REQUIRE(two.has_value());
    BOOST_TEST((two->first == batch{0, 1}));
    BOOST_TEST((two->second == batch{1, 1}));
    BOOST_TEST(!rerank::split_batch(batch{5, 1}).has_value());
    BOOST_TEST(!rerank::split_batch(batch{5, 0}).has_value());
}

BOOST_AUTO_TEST_CASE(sub_request_top_n) {
    BOOST_TEST(!rerank::sub_request_top_n(std::nullopt, batch{0, 500}).has_value());
    BOOST_TEST(rerank::sub_request_top_n(10, batch{0, 500}).value() == 10u);
    BOOST_TEST(rerank::sub_request_top_n(10, batch{500, 3}).value() == 3u);
    BOOST_TEST(rerank::sub_request_top_n(3, batch{500, 3}).value() == 3u);
}

BOOST_AUTO_TEST_SUITE_END()
