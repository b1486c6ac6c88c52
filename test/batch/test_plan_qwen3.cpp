// plan_batches with the real Qwen3 counter, on the tokenizer's test corpus (English, CJK,
// code, emoji, whitespace runs, texts past 4,000 tokens): every batch fits under exact counts.
#include "support/paths.hpp"
#include "text/utf8.hpp"

#include <rerank/batch_plan.hpp>
#include <rerank/qwen3_tokenizer.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

using namespace rerank;

namespace {

std::vector<std::string> corpus() {
    std::vector<std::string> texts;
    std::istringstream lines(test::read_file(test::data_path("tokenizer/corpus.jsonl")));
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty())
            texts.emplace_back(boost::json::parse(line).at("text").as_string());
    }
    return texts;
}

const std::vector<std::string>& texts() {
    static const std::vector<std::string> all = corpus();
    return all;
}

std::size_t count(std::string_view text) {
    return qwen3_tokenizer::builtin().count(text);
}

} // namespace

BOOST_AUTO_TEST_SUITE(batch_plan_qwen3)

BOOST_AUTO_TEST_CASE(every_batch_fits_under_exact_counts) {
    BOOST_TEST_REQUIRE(texts().size() > 1000u);
    request req;
    req.query = texts()[3];
    req.instruct = "Given a web search query, retrieve relevant passages that answer the query.";
    req.documents = texts();
    std::vector<std::size_t> exact;
    for (const std::string& d : req.documents)
        exact.push_back(count(d));
    const std::size_t first_over =
        std::find_if(exact.begin(), exact.end(), [](std::size_t n) { return n > 4000; }) -
        exact.begin();
    BOOST_TEST_REQUIRE(first_over < exact.size()); // the corpus has long texts

    for (const oversized_item_policy policy :
         {oversized_item_policy::server_truncates, oversized_item_policy::client_truncates,
          oversized_item_policy::refuse}) {
        BOOST_TEST_CONTEXT("policy " << static_cast<int>(policy)) {
            limits lim = limits::for_model("gte-rerank-v2"); // 29,400 tokens: many batches
            lim.oversized_items = policy;
            batch_plan plan;
            diagnostics diag;
            const error_code ec = plan_batches(req, lim, qwen3_token_counter(), plan, diag);
            if (policy == oversized_item_policy::refuse) {
                BOOST_TEST((ec == errc::invalid_request));
                BOOST_TEST(diag.client_message.find("document " + std::to_string(first_over) +
                                                    " has") == 0u);
                continue;
            }
            BOOST_TEST_REQUIRE(!ec, diag.client_message);
            const std::size_t q =
                std::min<std::size_t>(count(plan.query_text(req)), 4000) + count(*req.instruct);
            BOOST_TEST(plan.query_tokens >= q);
            std::size_t next = 0;
            for (const batch& b : plan.batches) {
                BOOST_TEST_REQUIRE(b.first == next);
                next += b.count;
                std::size_t tokens = b.count * q;
                for (std::size_t i = b.first; i != next; ++i) {
                    const std::string_view sent = plan.document_text(req, i);
                    const std::size_t n =
                        sent.size() == req.documents[i].size() ? exact[i] : count(sent);
                    if (policy == oversized_item_policy::client_truncates) {
                        BOOST_TEST(n <= 4000u);
                        BOOST_TEST((sent.size() < req.documents[i].size()) == (exact[i] > 4000));
                    }
                    tokens += std::min<std::size_t>(n, 4000);
                }
                BOOST_TEST(b.count <= 500u);
                BOOST_TEST(tokens <= lim.request_token_budget());
            }
            BOOST_TEST(next == req.documents.size());
        }
    }
}

// Short passages that fit one request by the upper bound are never tokenized.
BOOST_AUTO_TEST_CASE(fitting_request_is_not_tokenized) {
    std::size_t exact_calls = 0;
    token_counter counter = qwen3_token_counter();
    token_counter counting = counter;
    counting.exact = [&](std::string_view text) {
        ++exact_calls;
        return counter.exact(text);
    };
    request req;
    req.query = "how are rerank requests limited";
    for (std::size_t i = 0; i != 200; ++i)
        req.documents.push_back(
            texts()[i].substr(0, rerank::utf8::floor_boundary(texts()[i], 300)));
    batch_plan plan;
    diagnostics diag;
    BOOST_TEST_REQUIRE(!plan_batches(req, limits{}, counting, plan, diag));
    BOOST_TEST(plan.single_request());
    BOOST_TEST(exact_calls == 0u);
}

// The quick bound is never below the exact count: on every corpus text, on texts that NFC
// lengthens (U+FB2C is 3 bytes and 3 code points of 2 bytes after NFC), and on ill-formed bytes.
BOOST_AUTO_TEST_CASE(quick_bound_never_undercounts) {
    const token_counter counter = qwen3_token_counter();
    BOOST_TEST_REQUIRE(static_cast<bool>(counter.quick_bound));
    std::vector<std::string> samples = texts();
    samples.emplace_back("");
    samples.emplace_back("plain ascii, 123 !?");
    std::string nfc_grows;
    for (int i = 0; i != 50; ++i)
        nfc_grows += "\xEF\xAC\xAC"; // U+FB2C HEBREW LETTER SHIN WITH DAGESH AND SHIN DOT
    samples.push_back(nfc_grows);
    samples.emplace_back("\xFF\xFE\x80\xC3 broken \xE2\x82");
    for (const std::string& text : samples) {
        const std::size_t n = count(text);
        BOOST_TEST(counter.quick_bound(text) >= n, "text of " << text.size() << " bytes");
        BOOST_TEST(counter.upper_bound(text) >= n);
    }
}

// A request the quick bound settles is planned as one request without the per-item bound; one
// it cannot settle (non-ASCII text, 3 tokens a byte by the quick bound) falls back to the
// per-item bounds and still goes as one request when it fits.
BOOST_AUTO_TEST_CASE(quick_bound_settles_the_usual_request) {
    token_counter counter = qwen3_token_counter();
    std::size_t bound_calls = 0;
    const token_counter plain = counter;
    counter.upper_bound = [&](std::string_view text) {
        ++bound_calls;
        return plain.upper_bound(text);
    };
    counter.exact = [&](std::string_view text) -> std::size_t {
        BOOST_FAIL("counted exactly");
        return plain.exact(text);
    };
    request req;
    req.query = "what limits apply to a rerank request";
    req.documents.assign(100, std::string(500, 'w'));
    batch_plan plan;
    diagnostics diag;
    BOOST_TEST_REQUIRE(!plan_batches(req, limits{}, counter, plan, diag));
    BOOST_TEST(plan.single_request());
    BOOST_TEST(plan.query_tokens == req.query.size());
    BOOST_TEST(bound_calls == 0u);

    // 100 x 500 CJK bytes: 150,000 by the quick bound, far less by the per-item bound.
    std::string cjk;
    while (cjk.size() < 500)
        cjk += "\xE6\x8E\x92\xE5\xBA\x8F"; // 排序
    req.documents.assign(100, cjk);
    BOOST_TEST_REQUIRE(!plan_batches(req, limits{}, counter, plan, diag));
    BOOST_TEST(plan.single_request());
    BOOST_TEST(bound_calls > 0u);
}

// Found by test/fuzz/batch_plan_fuzz.cpp: on invalid UTF-8 the tokenizer may cut between stray
// continuation bytes (each a character to it), the planner moved that cut back to a UTF-8
// boundary, and the shorter prefix had more tokens ("throug" against "through"): a document
// sent over the item limit under client_truncates.
BOOST_AUTO_TEST_CASE(client_truncates_stays_within_the_item_limit_on_invalid_utf8) {
    const std::string doc = "through\x84\x84\x84\x84";
    const std::size_t cap = count("through");
    BOOST_TEST_REQUIRE(count(doc) > cap);
    BOOST_TEST_REQUIRE(count("throug") > cap); // what made the old clamp go over
    request req;
    req.query = "q";
    req.documents = {doc};
    limits lim;
    lim.max_item_tokens = cap;
    lim.oversized_items = oversized_item_policy::client_truncates;
    batch_plan plan;
    diagnostics diag;
    BOOST_TEST_REQUIRE(!plan_batches(req, lim, qwen3_token_counter(), plan, diag),
                       diag.client_message);
    BOOST_TEST(count(plan.document_text(req, 0)) <= cap);
}

BOOST_AUTO_TEST_SUITE_END()
