// Every non-DashScope dialect: request bodies byte for byte, success bodies decoded strictly,
// error bodies read into diagnostics, and what a dialect cannot carry refused.
#include "codec/dialect_wire.hpp"
#include "codec/encode.hpp"
#include "codec/error_body.hpp"
#include "codec/validate.hpp"
#include "decode_support.hpp"
#include "support/paths.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using rerank::diagnostics;
using rerank::dialect;
using rerank::oversized_item_policy;
using namespace rerank::detail;
using rerank::test::decode;
using rerank::test::decode_with_boost;

namespace {

const std::vector<std::string> two_docs = {"first doc", "second \"doc\""};

std::string encode(dialect d, const wire_request& r) {
    std::string out = "left over";
    encode_request(d, r, out);
    BOOST_TEST(encoded_size(d, r) == out.size()); // one description: size and bytes agree
    return out;
}

wire_request full_request(oversized_item_policy policy = oversized_item_policy::server_truncates) {
    wire_request r{"m", "q?", two_docs, 1, std::nullopt, std::nullopt};
    r.oversized = policy;
    r.max_item_tokens = 4096;
    return r;
}

// Decodes with both parsers; they must agree.
rerank::test::decode_outcome both(dialect d, std::string_view body, std::size_t docs,
                                  std::optional<std::size_t> top_n = std::nullopt) {
    auto o = decode(d, body, docs, top_n);
    const auto b = decode_with_boost(d, body, docs);
    BOOST_TEST(b.parsed);
    BOOST_TEST((b.out.results == o.out.results));
    BOOST_TEST(b.out.total_tokens == o.out.total_tokens);
    return o;
}

const std::vector<wire_result> two_results = {{1, 0.75}, {0, 0.25}};

} // namespace

BOOST_AUTO_TEST_SUITE(dialect_encode)

BOOST_AUTO_TEST_CASE(cohere_sends_top_n_and_max_tokens_per_doc) {
    BOOST_TEST(encode(dialect::cohere, full_request()) ==
               R"({"model":"m","query":"q?","documents":["first doc","second \"doc\""],)"
               R"("top_n":1,"max_tokens_per_doc":4096})");
    wire_request uncapped = full_request();
    uncapped.max_item_tokens = rerank::limits::no_token_cap;
    uncapped.top_n.reset();
    BOOST_TEST(encode(dialect::cohere, uncapped) ==
               R"({"model":"m","query":"q?","documents":["first doc","second \"doc\""]})");
}

BOOST_AUTO_TEST_CASE(jina_asks_for_no_echo) {
    BOOST_TEST(encode(dialect::jina, full_request()) ==
               R"({"model":"m","query":"q?","documents":["first doc","second \"doc\""],)"
               R"("top_n":1,"return_documents":false})");
    wire_request echo = full_request();
    echo.return_documents = true;
    BOOST_TEST(encode(dialect::jina, echo).find(R"("return_documents":true)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(voyage_uses_top_k_and_truncation) {
    BOOST_TEST(encode(dialect::voyage, full_request()) ==
               R"({"model":"m","query":"q?","documents":["first doc","second \"doc\""],)"
               R"("top_k":1,"return_documents":false,"truncation":true})");
    BOOST_TEST(encode(dialect::voyage, full_request(oversized_item_policy::refuse))
                   .find(R"("truncation":false)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(tei_sends_texts_no_model_no_top_n) {
    BOOST_TEST(encode(dialect::tei, full_request()) ==
               R"({"query":"q?","texts":["first doc","second \"doc\""],)"
               R"("return_text":false,"truncate":true})");
    BOOST_TEST(encode(dialect::tei, full_request(oversized_item_policy::refuse))
                   .find(R"("truncate":false)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(nim_sends_text_objects_and_truncate) {
    BOOST_TEST(encode(dialect::nim, full_request()) ==
               R"({"model":"m","query":{"text":"q?"},"passages":[{"text":"first doc"},)"
               R"({"text":"second \"doc\""}],"truncate":"END"})");
    BOOST_TEST(encode(dialect::nim, full_request(oversized_item_policy::client_truncates))
                   .find(R"("truncate":"END")") != std::string::npos);
    BOOST_TEST(encode(dialect::nim, full_request(oversized_item_policy::refuse))
                   .find(R"("truncate":"NONE")") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(instruct_is_never_encoded_where_there_is_no_field) {
    wire_request r = full_request();
    r.instruct = std::string_view("Rank it.");
    for (dialect d : {dialect::cohere, dialect::jina, dialect::voyage, dialect::tei, dialect::nim})
        BOOST_TEST(encode(d, r).find("Rank it.") == std::string::npos, to_string(d));
    BOOST_TEST(encode(dialect::dashscope, r).find(R"("instruct":"Rank it.")") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dialect_decode)

// The documented example of each API (test/data/codec, also the fuzzers' seeds): the same
// ranking of 3 documents in every dialect.
BOOST_AUTO_TEST_CASE(documented_examples) {
    const std::vector<wire_result> ranking = {
        {2, 0.9306640625}, {0, 0.45123291015625}, {1, 0.0187530517578125}};
    const std::vector<wire_result> logits = {{2, 2.59765625}, {0, -0.1953125}, {1, -3.95703125}};
    struct golden {
        dialect d;
        const char* file;
        std::uint64_t tokens;
    };
    for (const golden& g : {golden{dialect::cohere, "cohere_response.json", 0},
                            golden{dialect::jina, "jina_response.json", 79},
                            golden{dialect::voyage, "voyage_response.json", 79},
                            golden{dialect::tei, "tei_response.json", 0},
                            golden{dialect::nim, "nim_response.json", 0}}) {
        const std::string body =
            rerank::test::read_file(rerank::test::data_path(std::string("codec/") + g.file));
        const auto o = both(g.d, body, 3, 3);
        BOOST_TEST(!o.ec, g.file << ": " << o.diag.client_message);
        BOOST_TEST((o.out.results == (g.d == dialect::nim ? logits : ranking)), g.file);
        BOOST_TEST(o.out.total_tokens == g.tokens, g.file);
    }
}

BOOST_AUTO_TEST_CASE(cohere_results_and_meta_tokens) {
    const auto o =
        both(dialect::cohere,
             R"({"id":"c-1","results":[{"index":1,"relevance_score":0.75},)"
             R"({"index":0,"relevance_score":0.25}],"meta":{"api_version":{"version":"2"},)"
             R"("billed_units":{"search_units":1},"tokens":{"input_tokens":42}}})",
             2);
    BOOST_TEST(!o.ec, o.diag.client_message);
    BOOST_TEST(o.out.id == "c-1");
    BOOST_TEST((o.out.results == two_results));
    BOOST_TEST(o.out.total_tokens == 42u);
}

BOOST_AUTO_TEST_CASE(jina_style_with_echo_and_usage) {
    // vLLM's answer: id, model, usage with prompt_tokens, echoed documents.
    const auto o = both(dialect::jina,
                        R"({"id":"rerank-9","model":"BAAI/bge-reranker-base","usage":)"
                        R"({"prompt_tokens":30,"total_tokens":31},"results":[{"index":1,)"
                        R"("document":{"text":"second"},"relevance_score":0.75},{"index":0,)"
                        R"("document":{"text":"first"},"relevance_score":0.25}]})",
                        2, 2);
    BOOST_TEST(!o.ec, o.diag.client_message);
    BOOST_TEST(o.out.id == "rerank-9");
    BOOST_TEST(o.out.model == "BAAI/bge-reranker-base");
    BOOST_TEST((o.out.results == two_results));
    BOOST_TEST(o.out.total_tokens == 31u);
}

BOOST_AUTO_TEST_CASE(voyage_data_array) {
    const auto o = both(dialect::voyage,
                        R"({"object":"list","data":[{"relevance_score":0.75,"index":1}],)"
                        R"("model":"rerank-2.5","usage":{"total_tokens":12}})",
                        2, 1);
    BOOST_TEST(!o.ec, o.diag.client_message);
    BOOST_TEST((o.out.results == std::vector<wire_result>{{1, 0.75}}));
    BOOST_TEST(o.out.total_tokens == 12u);
    // A `results` member is not Voyage's: its absence of `data` is the problem.
    const auto bad = decode(dialect::voyage, R"({"results":[{"index":0,"relevance_score":1}]})", 1);
    BOOST_TEST(bad.ec == rerank::errc::bad_response);
    BOOST_TEST(bad.diag.client_message == R"(the response has no "data" array)");
}

BOOST_AUTO_TEST_CASE(tei_bare_array_answers_every_document) {
    const auto o =
        both(dialect::tei, R"([{"index":1,"score":0.75,"text":"second"},{"index":0,"score":0.25}])",
             2, 1);
    // top_n is not TEI's: all documents are expected whatever top_n says.
    BOOST_TEST(!o.ec, o.diag.client_message);
    BOOST_TEST((o.out.results == two_results));
    BOOST_TEST(o.out.total_tokens == 0u);
    const auto few = decode(dialect::tei, R"([{"index":1,"score":0.75}])", 2, 1);
    BOOST_TEST(few.ec == rerank::errc::bad_response);
    BOOST_TEST(few.diag.client_message == "1 results, expected 2 (2 documents)");
    const auto object = decode(dialect::tei, R"({"results":[]})", 1);
    BOOST_TEST(object.diag.client_message == "the response is not a JSON array");
    BOOST_TEST(!object.diag.body_snippet.empty());
    const auto wrong_score = decode(dialect::tei, R"([{"index":0,"relevance_score":0.5}])", 1);
    BOOST_TEST(wrong_score.diag.client_message == R"(result 0: "score" is missing)");
}

BOOST_AUTO_TEST_CASE(nim_rankings_with_logits) {
    const auto o = both(
        dialect::nim, R"({"rankings":[{"index":1,"logit":3.5},{"index":0,"logit":-7.25}]})", 2, 1);
    BOOST_TEST(!o.ec, o.diag.client_message);
    BOOST_TEST((o.out.results == std::vector<wire_result>{{1, 3.5}, {0, -7.25}}));
    BOOST_TEST((wire_of(dialect::nim).scores == rerank::score_kind::logit));
    const auto bad = decode(dialect::nim, R"({"rankings":[{"index":0,"logit":"high"}]})", 1);
    BOOST_TEST(bad.diag.client_message == "result 0: logit is a string, not a number");
}

BOOST_AUTO_TEST_CASE(strict_checks_hold_in_every_dialect) {
    // The same invariants as DashScope's: index in range, unique; finite scores.
    struct shape {
        dialect d;
        const char* open;
        const char* close;
        const char* score;
    };
    const shape shapes[] = {{dialect::cohere, R"({"results":)", "}", "relevance_score"},
                            {dialect::jina, R"({"results":)", "}", "relevance_score"},
                            {dialect::voyage, R"({"data":)", "}", "relevance_score"},
                            {dialect::tei, "", "", "score"},
                            {dialect::nim, R"({"rankings":)", "}", "logit"}};
    for (const shape& s : shapes) {
        const std::string score = std::string("\"") + s.score + "\":";
        const auto body = [&](std::string items) { return s.open + items + s.close; };
        const auto out_of_range =
            decode(s.d, body("[{\"index\":2," + score + "1}]"), 2, std::nullopt);
        BOOST_TEST(out_of_range.diag.client_message ==
                       "result 0: index 2 is out of range (2 documents)",
                   to_string(s.d));
        const auto repeated =
            decode(s.d, body("[{\"index\":0," + score + "1},{\"index\":0," + score + "1}]"), 2);
        BOOST_TEST(repeated.diag.client_message == "result 1: index 0 repeats result 0",
                   to_string(s.d));
        const auto not_finite = decode(s.d, body("[{\"index\":0," + score + "1e999}]"), 1);
        BOOST_TEST(not_finite.ec == rerank::errc::bad_response, to_string(s.d));
        const auto missing_index = decode(s.d, body("[{" + score + "1}]"), 1);
        BOOST_TEST(missing_index.diag.client_message == R"(result 0: "index" is missing)",
                   to_string(s.d));
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dialect_error_bodies)

BOOST_AUTO_TEST_CASE(documented_error_bodies) {
    const auto read = [](const char* file) {
        return rerank::test::read_file(rerank::test::data_path(std::string("codec/") + file));
    };
    diagnostics tei, vllm, fastapi, cohere;
    decode_error_body(422, read("error_tei.json"), tei);
    BOOST_TEST(tei.provider_code == "Validation");
    BOOST_TEST(says_too_large(dialect::tei, tei));
    decode_error_body(400, read("error_vllm.json"), vllm);
    BOOST_TEST(vllm.provider_code == "400");
    BOOST_TEST(says_too_large(dialect::jina, vllm));
    decode_error_body(422, read("error_fastapi.json"), fastapi);
    BOOST_TEST(fastapi.provider_message == "Field required");
    BOOST_TEST(!says_too_large(dialect::jina, fastapi));
    decode_error_body(400, read("error_cohere.json"), cohere);
    BOOST_TEST(cohere.provider_message == "invalid request: list of documents must not be empty");
    BOOST_TEST(cohere.request_id == "5a7d2c1e-0f3b-4a8e-9c2d-6b1e8f4a3d70");
    BOOST_TEST(!says_too_large(dialect::cohere, cohere));
    // Diagnostics show what the provider said.
    BOOST_TEST(vllm.to_string().find("maximum context length") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(each_providers_error_shape) {
    diagnostics cohere;
    decode_error_body(429, R"({"id":"c-9","message":"You are using a Trial key"})", cohere);
    BOOST_TEST(cohere.provider_message == "You are using a Trial key");
    BOOST_TEST(cohere.request_id == "c-9");

    diagnostics tei;
    decode_error_body(413,
                      R"({"error":"batch size 64 > maximum allowed batch size 32",)"
                      R"("error_type":"Validation"})",
                      tei);
    BOOST_TEST(tei.provider_code == "Validation");
    BOOST_TEST(tei.provider_message == "batch size 64 > maximum allowed batch size 32");

    diagnostics vllm;
    decode_error_body(400,
                      R"({"error":{"message":"This model's maximum context length is 512",)"
                      R"("type":"BadRequestError","param":null,"code":400}})",
                      vllm);
    BOOST_TEST(vllm.provider_code == "400");
    BOOST_TEST(vllm.provider_message == "This model's maximum context length is 512");

    diagnostics fastapi;
    decode_error_body(422, R"({"detail":"Not authenticated"})", fastapi);
    BOOST_TEST(fastapi.provider_message == "Not authenticated");

    diagnostics listed;
    decode_error_body(422,
                      R"({"detail":[{"loc":["body","query"],"msg":"field required","type":"x"},)"
                      R"({"msg":"a"},{"msg":"b"},{"msg":"c"}]})",
                      listed);
    BOOST_TEST(listed.provider_message == "field required; a; b (and 1 more)");

    diagnostics nim;
    decode_error_body(422, R"({"detail":[{"msg":"Input should be 'NONE' or 'END'"}]})", nim);
    BOOST_TEST(nim.provider_message == "Input should be 'NONE' or 'END'");
    BOOST_TEST(nim.body_snippet.empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dialect_requests)

BOOST_AUTO_TEST_CASE(instruct_refused_where_the_api_has_no_field) {
    rerank::request req;
    req.query = "q";
    req.documents = {"d"};
    req.instruct = "Rank it.";
    for (dialect d :
         {dialect::cohere, dialect::jina, dialect::voyage, dialect::tei, dialect::nim}) {
        diagnostics diag;
        BOOST_TEST(check_dialect_request(d, req, diag) == rerank::errc::invalid_request);
        BOOST_TEST(diag.client_message.find("the " + std::string(to_string(d)) + " dialect") !=
                       std::string::npos,
                   diag.client_message);
    }
    for (dialect d : {dialect::dashscope, dialect::dashscope_native}) {
        diagnostics diag;
        BOOST_TEST(!check_dialect_request(d, req, diag));
    }
    req.instruct.reset();
    diagnostics diag;
    BOOST_TEST(!check_dialect_request(dialect::tei, req, diag));
}

BOOST_AUTO_TEST_CASE(score_kind_per_dialect) {
    for (dialect d : rerank::all_dialects)
        BOOST_TEST((wire_of(d).scores == (d == dialect::nim ? rerank::score_kind::logit
                                                            : rerank::score_kind::probability)));
}

BOOST_AUTO_TEST_SUITE_END()
