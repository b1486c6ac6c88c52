// merge_responses: remapping, global order and top_n, usage, request ids, inconsistent answers.
#include "batch/merge.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

using rerank::batch;
using rerank::errc;
using rerank::request;
using rerank::response;
using rerank::batching::merge_responses;
using rerank::batching::sub_response;
using rerank::batching::sub_result;

namespace {

request documents(std::size_t n) {
    request req;
    req.query = "q";
    for (std::size_t i = 0; i != n; ++i)
        req.documents.push_back("document " + std::to_string(i));
    return req;
}

sub_response part(batch range, std::string id, std::vector<sub_result> results,
                  std::uint64_t tokens) {
    sub_response p;
    p.range = range;
    p.request_id = std::move(id);
    p.model = "qwen3-rerank";
    p.results = std::move(results);
    p.total_tokens = tokens;
    return p;
}

std::vector<std::size_t> indices(const response& r) {
    std::vector<std::size_t> out;
    for (const auto& x : r.results)
        out.push_back(x.index);
    return out;
}

struct merged {
    response out;
    rerank::error_code ec;
    rerank::diagnostics diag;
};

merged merge(const request& req, std::vector<sub_response> parts,
             std::optional<std::size_t> top_n) {
    merged m;
    m.ec = merge_responses(req, std::move(parts), top_n, m.out, m.diag);
    return m;
}

} // namespace

BOOST_AUTO_TEST_SUITE(batch_merge)

BOOST_AUTO_TEST_CASE(remaps_orders_and_sums) {
    const request req = documents(5);
    std::vector<sub_response> parts;
    // Arriving out of document order.
    parts.push_back(part({3, 2}, "req-b", {{1, 0.9}, {0, 0.2}}, 70));
    parts.push_back(part({0, 3}, "req-a", {{2, 0.95}, {0, 0.5}, {1, 0.1}}, 100));
    const merged m = merge(req, std::move(parts), std::nullopt);
    BOOST_TEST_REQUIRE(!m.ec);
    const std::vector<std::size_t> expected{2, 4, 0, 3, 1};
    BOOST_TEST(indices(m.out) == expected, boost::test_tools::per_element());
    BOOST_TEST(m.out.results[0].relevance_score == 0.95);
    BOOST_TEST(m.out.results[1].relevance_score == 0.9);
    for (const auto& r : m.out.results)
        BOOST_TEST(r.document.data() == req.documents[r.index].data()); // a view, no copy
    const std::vector<std::string> ids{"req-a", "req-b"};
    BOOST_TEST(m.out.request_ids == ids, boost::test_tools::per_element());
    BOOST_TEST(m.out.id == "req-a");
    BOOST_TEST(m.out.model == "qwen3-rerank");
    BOOST_TEST(m.out.usage.total_tokens == 170u);
    BOOST_TEST(m.out.requests == 2u);
}

BOOST_AUTO_TEST_CASE(ties_go_to_the_lower_index) {
    const request req = documents(6);
    std::vector<sub_response> parts;
    parts.push_back(part({4, 2}, "c", {{1, 1.0}, {0, 1.0}}, 1));
    parts.push_back(part({0, 2}, "a", {{1, 1.0}, {0, 0.3}}, 1));
    parts.push_back(part({2, 2}, "b", {{0, 1.0}, {1, 0.3}}, 1));
    const merged m = merge(req, std::move(parts), std::nullopt);
    BOOST_TEST_REQUIRE(!m.ec);
    const std::vector<std::size_t> expected{1, 2, 4, 5, 0, 3};
    BOOST_TEST(indices(m.out) == expected, boost::test_tools::per_element());

    // The same with top_n cutting inside the tie.
    std::vector<sub_response> again;
    again.push_back(part({2, 2}, "b", {{0, 1.0}, {1, 0.3}}, 1));
    again.push_back(part({4, 2}, "c", {{1, 1.0}, {0, 1.0}}, 1));
    again.push_back(part({0, 2}, "a", {{1, 1.0}, {0, 0.3}}, 1));
    const merged top = merge(req, std::move(again), 3);
    const std::vector<std::size_t> first3{1, 2, 4};
    BOOST_TEST(indices(top.out) == first3, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(top_n_is_global) {
    const request req = documents(9);
    std::vector<sub_response> parts;
    // Each sub-request returned its own best 2 (sub_request_top_n(2, range)).
    parts.push_back(part({0, 3}, "a", {{0, 0.8}, {2, 0.7}}, 1));
    parts.push_back(part({3, 3}, "b", {{1, 0.9}, {0, 0.6}}, 1));
    parts.push_back(part({6, 3}, "c", {{2, 0.85}, {1, 0.1}}, 1));
    const merged m = merge(req, std::move(parts), 2);
    BOOST_TEST_REQUIRE(!m.ec);
    const std::vector<std::size_t> expected{4, 8};
    BOOST_TEST(indices(m.out) == expected, boost::test_tools::per_element());
    BOOST_TEST(m.out.requests == 3u);
    BOOST_TEST(m.out.request_ids.size() == 3u);
}

BOOST_AUTO_TEST_CASE(top_n_above_the_total_keeps_all) {
    const request req = documents(3);
    std::vector<sub_response> parts;
    parts.push_back(part({0, 3}, "a", {{0, 0.1}, {1, 0.3}, {2, 0.2}}, 5));
    const merged m = merge(req, std::move(parts), 10);
    const std::vector<std::size_t> expected{1, 2, 0};
    BOOST_TEST(indices(m.out) == expected, boost::test_tools::per_element());
    BOOST_TEST(m.out.id == "a");
    BOOST_TEST(m.out.requests == 1u);
}

// 20,000 results, many tied, into the top 10: the same as a full sort.
BOOST_AUTO_TEST_CASE(selection_matches_a_full_sort) {
    const std::size_t n = 20000;
    const request req = documents(n);
    std::mt19937 rng(11);
    std::vector<sub_response> parts;
    std::vector<std::pair<double, std::size_t>> all;
    for (std::size_t first = 0; first < n; first += 500) {
        sub_response p = part({first, 500}, "id" + std::to_string(first), {}, 1);
        for (std::size_t i = 0; i != 500; ++i) {
            const double score = static_cast<double>(rng() % 50) / 49.0;
            p.results.push_back({i, score});
            all.push_back({-score, first + i});
        }
        parts.push_back(std::move(p));
    }
    std::shuffle(parts.begin(), parts.end(), rng);
    std::sort(all.begin(), all.end());
    for (std::size_t top_n : {std::size_t(1), std::size_t(10), std::size_t(1000), n}) {
        std::vector<sub_response> copy = parts;
        const merged m = merge(req, std::move(copy), top_n);
        BOOST_TEST_REQUIRE(!m.ec);
        BOOST_TEST_REQUIRE(m.out.results.size() == top_n);
        for (std::size_t k = 0; k != top_n; ++k)
            BOOST_TEST_REQUIRE(m.out.results[k].index == all[k].second);
        BOOST_TEST(m.out.request_ids.front() == "id0");
        BOOST_TEST(m.out.request_ids.back() == "id19500");
        BOOST_TEST(m.out.usage.total_tokens == 40u);
    }
}

BOOST_AUTO_TEST_CASE(index_outside_the_range_is_a_bad_response) {
    const request req = documents(6);
    std::vector<sub_response> parts;
    parts.push_back(part({0, 3}, "a", {{0, 0.5}}, 1));
    parts.push_back(part({3, 3}, "b", {{3, 0.5}}, 1)); // would be document 6
    const merged m = merge(req, std::move(parts), std::nullopt);
    BOOST_TEST((m.ec == errc::bad_response));
    BOOST_TEST(m.diag.request_id == "b");
    BOOST_TEST(m.diag.client_message == "a sub-request of 3 documents answered index 3");
}

BOOST_AUTO_TEST_CASE(document_ranked_twice_is_a_bad_response) {
    const request req = documents(4);
    std::vector<sub_response> parts;
    parts.push_back(part({0, 4}, "a", {{2, 0.5}, {2, 0.4}}, 1));
    const merged m = merge(req, std::move(parts), std::nullopt);
    BOOST_TEST((m.ec == errc::bad_response));
    BOOST_TEST(m.diag.client_message == "document 2 was ranked twice");
}

BOOST_AUTO_TEST_SUITE_END()
