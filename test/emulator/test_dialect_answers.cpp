// Each dialect's server over the wire: its path, its success body, its switches, and the same
// BM25 ranking as DashScope's.
#include "dialect_requests.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>

using namespace rerank::emulator;
using namespace rerank::emulator::test;
using rerank::dialect;

namespace {

const std::vector<std::string> fruit_docs{"The sky is blue.", "Apples are red fruit.",
                                          "Bananas are a yellow fruit.", "Roads are grey."};

std::vector<std::size_t> indices(dialect d, const json::value& body) {
    std::vector<std::size_t> out;
    for (const auto& r : results_of(d, body))
        out.push_back(r.at("index").to_number<std::size_t>());
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(emulator_dialects)

BOOST_AUTO_TEST_CASE(each_dialect_is_served_at_its_real_path_and_only_there) {
    for (dialect d : provider_dialects) {
        BOOST_TEST_CONTEXT(rerank::to_string(d)) {
            dialect_server srv(options_for(d));
            const std::string base = srv.s.base_url();
            BOOST_TEST(base == srv.s.base_url(d));
            // A client appends the dialect's endpoint path to its base URL.
            BOOST_TEST(base + std::string(rerank::endpoint_path(d)) ==
                       "http://127.0.0.1:" + std::to_string(srv.s.port()) + endpoint_of(d));
            BOOST_TEST(srv.rank(dialect_body(d, "red fruit", fruit_docs)).response.result_int() ==
                       200u);
            // DashScope's paths are not served.
            const auto r = srv.call(post(compatible_path, compatible_body("q", fruit_docs)));
            BOOST_TEST(r.response.result_int() == 404u);
            BOOST_TEST(srv.s.stats().requests_by_path.count(endpoint_of(d)) == 1u);
        }
    }
}

BOOST_AUTO_TEST_CASE(every_dialect_ranks_as_dashscope_does) {
    server dashscope{options{}};
    dashscope.start();
    exchange_result reference;
    io_fixture().run([&]() -> asio::awaitable<void> {
        reference = co_await one_shot(
            dashscope.port(), post(compatible_path, compatible_body("red fruit", fruit_docs)));
    });
    const json::value expected = reference.json();
    const auto& expected_results = expected.at("results").as_array();
    for (dialect d : provider_dialects) {
        BOOST_TEST_CONTEXT(rerank::to_string(d)) {
            dialect_server srv(options_for(d));
            const auto r = srv.rank(dialect_body(d, "red fruit", fruit_docs));
            const json::value body = r.json();
            BOOST_TEST(indices(d, body) == indices(dialect::jina, expected));
            const auto& results = results_of(d, body);
            for (std::size_t i = 0; i < results.size(); ++i) {
                const double dashscope_score =
                    expected_results[i].at("relevance_score").as_double();
                const double score = score_of(d, results[i]);
                // NIM answers the logit of the same score.
                const double same = d == dialect::nim
                                        ? std::log(dashscope_score / (1 - dashscope_score))
                                        : dashscope_score;
                BOOST_TEST(score == same, boost::test_tools::tolerance(1e-9));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(cohere_answers_results_and_billed_units_never_the_text) {
    dialect_server srv(options_for(dialect::cohere));
    const auto r = srv.rank(dialect_body(dialect::cohere, "red fruit", fruit_docs, {{"top_n", 2}}));
    BOOST_TEST(r.response.result_int() == 200u);
    const json::object body = r.json().as_object();
    BOOST_TEST(body.at("id").as_string().size() == 36u);
    BOOST_TEST(body.at("meta").at("billed_units").at("search_units").to_number<int>() == 1);
    const auto& results = body.at("results").as_array();
    BOOST_REQUIRE(results.size() == 2u);
    BOOST_TEST(results[0].at("index").to_number<int>() == 1);
    BOOST_TEST(results[0].as_object().size() == 2u); // index and relevance_score only
    BOOST_TEST(!body.contains("usage"));
}

BOOST_AUTO_TEST_CASE(jina_answers_as_vllm_with_documents_unless_told_not_to) {
    dialect_server srv(options_for(dialect::jina));
    auto r = srv.rank(dialect_body(dialect::jina, "red fruit", fruit_docs));
    json::value body = r.json();
    BOOST_TEST(body.at("id").as_string().starts_with("rerank-"));
    BOOST_TEST(body.at("model").as_string() == "jina-reranker-v2-base-multilingual");
    // Exact Qwen3 tokens: query 2 × 4 documents + 5 + 6 + 7 + 5.
    BOOST_TEST(body.at("usage").at("total_tokens").to_number<int>() == 2 * 4 + 5 + 6 + 7 + 5);
    auto results = body.at("results").as_array();
    BOOST_REQUIRE(results.size() == 4u);
    BOOST_TEST(results[0].at("document").at("text").as_string() == fruit_docs[1]);

    r = srv.rank(dialect_body(dialect::jina, "red fruit", fruit_docs,
                              {{"top_n", 2}, {"return_documents", false}}));
    results = r.json().at("results").as_array();
    BOOST_REQUIRE(results.size() == 2u);
    BOOST_TEST(!results[0].as_object().contains("document"));
    // vLLM: top_n 0 means every document; the model name is optional; unknown fields ignored.
    json::object no_model =
        dialect_body(dialect::jina, "red fruit", fruit_docs, {{"top_n", 0}, {"priority", 3}});
    no_model.erase("model");
    r = srv.rank(no_model);
    BOOST_TEST(r.response.result_int() == 200u);
    BOOST_TEST(r.json().at("results").as_array().size() == 4u);
}

BOOST_AUTO_TEST_CASE(siliconflow_instruction_counts_with_the_query) {
    options opts = byte_counting(dialect::jina);
    dialect_server srv(opts);
    auto r = srv.rank(dialect_body(dialect::jina, "q", {"abcd", "efgh"}, {{"instruction", "xy"}}));
    BOOST_TEST(r.json().at("usage").at("total_tokens").to_number<int>() == 3 * 2 + 4 + 4);
}

BOOST_AUTO_TEST_CASE(voyage_answers_data_takes_top_k_and_refuses_top_n) {
    dialect_server srv(options_for(dialect::voyage));
    auto r = srv.rank(dialect_body(dialect::voyage, "red fruit", fruit_docs,
                                   {{"top_k", 1}, {"return_documents", true}}));
    BOOST_TEST(r.response.result_int() == 200u);
    json::value body = r.json();
    BOOST_TEST(body.at("object").as_string() == "list");
    BOOST_TEST(body.at("model").as_string() == "rerank-2.5");
    BOOST_TEST(body.at("usage").at("total_tokens").is_number());
    const auto& data = body.at("data").as_array();
    BOOST_REQUIRE(data.size() == 1u);
    BOOST_TEST(data[0].at("document").as_string() == fruit_docs[1]); // a plain string

    r = srv.rank(dialect_body(dialect::voyage, "red fruit", fruit_docs, {{"top_n", 1}}));
    BOOST_TEST(r.response.result_int() == 400u);
    BOOST_TEST(error_message(dialect::voyage, r) ==
               "The request body is not valid JSON, or some arguments were not specified "
               "properly. In particular, Argument 'top_n' is not supported by our API.");
}

BOOST_AUTO_TEST_CASE(tei_answers_a_bare_array_of_every_text) {
    dialect_server srv(options_for(dialect::tei));
    auto r = srv.rank(dialect_body(dialect::tei, "red fruit", fruit_docs, {{"top_n", 1}}));
    BOOST_TEST(r.response.result_int() == 200u);
    json::value body = r.json();
    BOOST_REQUIRE(body.is_array());
    BOOST_REQUIRE(body.as_array().size() == 4u); // TEI has no top_n: ignored like any unknown field
    const json::object& first = body.as_array()[0].as_object();
    BOOST_TEST(first.size() == 2u);
    BOOST_TEST(first.at("index").to_number<int>() == 1);
    const double probability = first.at("score").as_double();
    BOOST_TEST((probability > 0 && probability < 1));

    r = srv.rank(dialect_body(dialect::tei, "red fruit", fruit_docs,
                              {{"return_text", true}, {"raw_scores", true}}));
    body = r.json();
    BOOST_TEST(body.as_array()[0].at("text").as_string() == fruit_docs[1]);
    BOOST_TEST(body.as_array()[0].at("score").as_double() ==
                   std::log(probability / (1 - probability)),
               boost::test_tools::tolerance(1e-9));
    BOOST_TEST(body.as_array()[3].at("score").as_double() < 0.0); // a logit
}

BOOST_AUTO_TEST_CASE(nim_answers_logits_of_every_passage) {
    dialect_server srv(options_for(dialect::nim));
    const auto r =
        srv.rank(dialect_body(dialect::nim, "red fruit", fruit_docs, {{"truncate", "END"}}));
    BOOST_TEST(r.response.result_int() == 200u);
    const json::value body = r.json();
    const auto& rankings = body.at("rankings").as_array();
    BOOST_REQUIRE(rankings.size() == 4u);
    BOOST_TEST(rankings[0].at("index").to_number<int>() == 1);
    BOOST_TEST(!rankings[0].as_object().contains("relevance_score"));
    // Unmatched passages score far below 0: logits, not probabilities.
    BOOST_TEST(rankings[3].at("logit").as_double() < -1.0);
    double previous = rankings[0].at("logit").as_double();
    for (const auto& ranking : rankings) {
        BOOST_TEST(ranking.at("logit").as_double() <= previous);
        previous = ranking.at("logit").as_double();
    }
    BOOST_TEST(body.at("usage").at("total_tokens") == body.at("usage").at("prompt_tokens"));
}

BOOST_AUTO_TEST_CASE(faults_falsify_every_dialects_results) {
    for (dialect d : provider_dialects) {
        BOOST_TEST_CONTEXT(rerank::to_string(d)) {
            dialect_server srv(options_for(d));
            srv.s.push_fault(fault::wrong_results(results_inconsistency::missing_score));
            const auto r = srv.rank(dialect_body(d, "red fruit", fruit_docs));
            BOOST_TEST(r.response.result_int() == 200u);
            const json::value body = r.json();
            const auto& results = results_of(d, body);
            BOOST_TEST(!results[0].as_object().contains("relevance_score"));
            BOOST_TEST(!results[0].as_object().contains("score"));
            BOOST_TEST(!results[0].as_object().contains("logit"));
            srv.s.push_fault(fault::wrong_results(results_inconsistency::index_out_of_range));
            const auto out_of_range = srv.rank(dialect_body(d, "red fruit", fruit_docs));
            const json::value falsified = out_of_range.json();
            BOOST_TEST(results_of(d, falsified)[0].at("index").to_number<int>() == 4);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
