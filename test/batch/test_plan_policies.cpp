// plan_batches: oversized-item policies, impossible requests, unusable inputs.
#include "fake_counter.hpp"

#include <rerank/batch_plan.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <string>

using rerank::batch_plan;
using rerank::errc;
using rerank::limits;
using rerank::oversized_item_policy;
using rerank::request;
using rerank::test::fake_counter;
using rerank::test::plan;
using rerank::test::planned;

namespace {

std::string repeat(std::string_view unit, std::size_t times) {
    std::string s;
    for (std::size_t i = 0; i != times; ++i)
        s += unit;
    return s;
}

request small_request(std::size_t documents) {
    request req;
    req.query = "what is a reranker";
    req.documents.assign(documents, "a short passage");
    return req;
}

limits with_policy(oversized_item_policy p) {
    limits lim;
    lim.oversized_items = p;
    return lim;
}

limits with_body_limit(std::size_t bytes) {
    limits lim;
    lim.max_body_bytes = bytes;
    return lim;
}

// Plans a request that cannot be planned: checks it is refused as invalid_request and returns
// the message that says why.
std::string refusal(const request& req, const limits& lim) {
    fake_counter fc;
    const planned p = plan(req, lim, fc);
    BOOST_TEST((p.ec == errc::invalid_request));
    return p.diag.client_message;
}

} // namespace

BOOST_AUTO_TEST_SUITE(batch_plan_policies)

BOOST_AUTO_TEST_CASE(refuse_names_the_document) {
    request req = small_request(10);
    req.documents[3] = std::string(20480, 'x'); // 5,120 tokens
    req.documents[7] = std::string(20480, 'y');
    BOOST_TEST(refusal(req, with_policy(oversized_item_policy::refuse)) ==
               "document 3 has 5,120 tokens, over the 4,000-token limit per item");
}

BOOST_AUTO_TEST_CASE(refuse_counts_only_items_whose_bound_is_over_the_cap) {
    fake_counter fc;
    request req = small_request(10);
    req.documents[5] = std::string(16000, 'x'); // bound 16,000, exactly 4,000: allowed
    const planned p = plan(req, with_policy(oversized_item_policy::refuse), fc);
    BOOST_TEST(!p.ec);
    BOOST_TEST(p.plan.single_request());
    BOOST_TEST(fc.exact_calls == 1u);
}

BOOST_AUTO_TEST_CASE(refuse_names_the_query) {
    request req = small_request(2);
    req.query = std::string(16004, 'q'); // 4,001 tokens
    BOOST_TEST(refusal(req, with_policy(oversized_item_policy::refuse)) ==
               "the query has 4,001 tokens, over the 4,000-token limit per item");
}

BOOST_AUTO_TEST_CASE(server_truncates_sends_oversized_items_whole) {
    fake_counter fc;
    request req = small_request(3);
    req.query = std::string(40000, 'q');
    req.documents[1] = std::string(40000, 'x');
    const planned p = plan(req, limits{}, fc);
    BOOST_TEST(!p.ec);
    BOOST_TEST(!p.plan.query_bytes.has_value());
    BOOST_TEST(p.plan.document_bytes.empty());
    BOOST_TEST(p.plan.query_text(req).size() == 40000u);
    BOOST_TEST(p.plan.document_text(req, 1).size() == 40000u);
    BOOST_TEST(p.plan.query_tokens == 4000u); // counted at the cap
}

// Cuts at a character boundary: 8,000 "€" (3 bytes each) are 6,000 tokens; 4,000 tokens are
// 16,000 bytes, which ends inside a character, so 15,999 bytes (5,333 characters) go out.
void check_client_truncation(bool with_prefix) {
    fake_counter fc;
    request req = small_request(4);
    req.query = repeat("\xE2\x82\xAC", 8000);
    req.documents[2] = repeat("\xE2\x82\xAC", 8000);
    const planned p =
        plan(req, with_policy(oversized_item_policy::client_truncates), fc, true, with_prefix);
    BOOST_TEST(!p.ec);
    BOOST_TEST(p.plan.single_request());
    BOOST_TEST(p.plan.query_bytes.value() == 15999u);
    BOOST_TEST(p.plan.query_text(req).size() == 15999u);
    BOOST_TEST_REQUIRE(p.plan.document_bytes.size() == 4u);
    BOOST_TEST(p.plan.document_bytes[2] == 15999u);
    BOOST_TEST(p.plan.document_bytes[0] == req.documents[0].size());
    BOOST_TEST(p.plan.document_text(req, 2).data() == req.documents[2].data()); // a view
    BOOST_TEST(p.plan.document_text(req, 2).size() == 15999u);
    BOOST_TEST(fake_counter::tokens(p.plan.document_text(req, 2)) == 4000u);
    BOOST_TEST(p.plan.query_tokens == 4000u);
    BOOST_TEST(fc.prefix_calls == (with_prefix ? 2u : 0u));
}

BOOST_AUTO_TEST_CASE(client_truncates_with_prefix_function) {
    check_client_truncation(true);
}

BOOST_AUTO_TEST_CASE(client_truncates_by_binary_search) {
    check_client_truncation(false);
}

BOOST_AUTO_TEST_CASE(client_truncates_nothing_when_nothing_is_over) {
    fake_counter fc;
    const request req = small_request(5);
    const planned p = plan(req, with_policy(oversized_item_policy::client_truncates), fc);
    BOOST_TEST(!p.ec);
    BOOST_TEST(p.plan.document_bytes.empty());
    BOOST_TEST(!p.plan.query_bytes.has_value());
    BOOST_TEST(fc.exact_calls == 0u);
}

// Truncation makes bodies smaller too: 20 documents of 1 MiB take two 16 MiB bodies whole
// (15 in the first), one body once cut to 16,000 bytes.
BOOST_AUTO_TEST_CASE(client_truncation_shrinks_the_body) {
    fake_counter fc;
    request req;
    req.query = "q";
    req.documents.assign(20, std::string(1 << 20, 'x'));
    const planned whole = plan(req, limits{}, fc);
    BOOST_TEST(!whole.ec);
    BOOST_TEST(whole.plan.batches.size() == 2u);
    BOOST_TEST(whole.plan.batches.front().count == 15u);

    fake_counter fc2;
    const planned cut = plan(req, with_policy(oversized_item_policy::client_truncates), fc2);
    BOOST_TEST(!cut.ec);
    BOOST_TEST(cut.plan.single_request());
}

// The brief's example: 5,600 tokens a request, a 4,000-token query.
BOOST_AUTO_TEST_CASE(document_that_cannot_fit_is_named) {
    request req;
    req.query = fake_counter::text_of_tokens(4000);
    req.documents.assign(30, fake_counter::text_of_tokens(100));
    req.documents[17] = fake_counter::text_of_tokens(4000);
    limits lim;
    lim.max_request_tokens = 5600;
    lim.safety_margin = 0;
    BOOST_TEST(refusal(req, lim) == "document 17 needs 4,000 tokens but with a 4,000-token query "
                                    "only 1,600 fit per request (budget 5,600 of 5,600 tokens)");
}

BOOST_AUTO_TEST_CASE(query_that_leaves_no_room) {
    request req = small_request(3);
    req.instruct = fake_counter::text_of_tokens(120000);
    BOOST_TEST(refusal(req, limits{}).find("leaving nothing for document 0 ") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(document_over_the_body_limit) {
    request req = small_request(3);
    req.documents[1] = std::string(20000, 'x');
    // 20,000 bytes, 12 around them (NIM's `{"text":"..."},`, the longest shape of a document).
    BOOST_TEST(refusal(req, with_body_limit(10000)) ==
               "document 1 takes 20,012 bytes of JSON but beside the query only 8,958 fit in a "
               "request body of at most 10,000 bytes");
}

BOOST_AUTO_TEST_CASE(query_over_the_body_limit) {
    request req = small_request(3);
    req.query = std::string(10000, 'q');
    BOOST_TEST(refusal(req, with_body_limit(10000))
                   .find("the query and instruct alone take 11,024 bytes") == 0u);
}

BOOST_AUTO_TEST_CASE(unusable_inputs) {
    fake_counter fc;
    const request good = small_request(3);
    auto refused = [&](const request& req, const limits& lim, rerank::token_counter counter) {
        batch_plan out;
        out.batches.push_back({0, 1}); // cleared on error too
        rerank::diagnostics diag;
        const rerank::error_code ec = rerank::plan_batches(req, lim, counter, out, diag);
        BOOST_TEST(out.batches.empty());
        BOOST_TEST(!diag.client_message.empty());
        return ec == errc::invalid_request;
    };
    BOOST_TEST(refused(small_request(0), limits{}, fc.counter()));
    BOOST_TEST(refused(good, limits{}, rerank::token_counter{}));
    limits lim;
    lim.max_documents = 0;
    BOOST_TEST(refused(good, lim, fc.counter()));
    lim = limits{};
    lim.safety_margin = 1;
    BOOST_TEST(refused(good, lim, fc.counter()));
    lim.safety_margin = -0.1;
    BOOST_TEST(refused(good, lim, fc.counter()));
    lim.safety_margin = std::nan("");
    BOOST_TEST(refused(good, lim, fc.counter()));
    lim = limits{};
    lim.max_request_tokens = 1;
    lim.safety_margin = 0.5;
    BOOST_TEST(refused(good, lim, fc.counter()));
}

BOOST_AUTO_TEST_SUITE_END()
