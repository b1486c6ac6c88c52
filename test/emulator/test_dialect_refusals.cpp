// Each dialect's refusals over the wire: keys, paths, malformed and empty requests, unknown
// models, its limits (documents, tokens per pair and per request) with its own too-large
// answer, throttling and oversized bodies.
#include "dialect_requests.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace rerank::emulator;
using namespace rerank::emulator::test;
using rerank::dialect;

namespace {

const std::vector<std::string> docs{"abcd", "efgh", "ijkl"};

// What each dialect answers when over a limit: its status and the start of its message.
struct too_large {
    dialect d;
    unsigned status;
    std::string documents_message; // 4 documents, at most 3
    std::string tokens_message;    // 1 + 10 tokens in a pair, at most 10
};

const std::vector<too_large> too_large_answers = {
    {dialect::cohere, 400, "invalid request: too many documents: got 4, the maximum is 3.",
     "invalid request: the request has 11 tokens, more than the maximum of 10."},
    {dialect::jina, 400, "Too many documents: 4 > maximum allowed 3.",
     "This model's maximum context length is 10 tokens. However, you requested 11 tokens in "
     "the input for embedding generation. Please reduce the length of the input."},
    {dialect::voyage, 400,
     "The request body is not valid JSON, or some arguments were not specified properly. In "
     "particular, The number of documents 4 exceeds the maximum of 3.",
     "The request body is not valid JSON, or some arguments were not specified properly. In "
     "particular, The input has 11 tokens, more than the limit of 10."},
    {dialect::tei, 413, "batch size 4 > maximum allowed batch size 3",
     "Input validation error: `inputs` must have less than 10 tokens. Given: 11"},
    {dialect::nim, 400, "Number of passages 4 exceeds the maximum of 3.",
     "Input length 11 exceeds maximum allowed token size 10"},
};

// The switch that lets `d`'s server truncate a pair instead of refusing it.
json::object truncating(dialect d) {
    switch (d) {
    case dialect::tei:
        return {{"truncate", true}};
    case dialect::nim:
        return {{"truncate", "END"}};
    case dialect::voyage:
        return {{"truncation", true}};
    default:
        return {{"truncate_prompt_tokens", 10}};
    }
}

// A server of `d` counting bytes, with `limit` set to `value`.
dialect_server limited(dialect d, std::size_t options::*limit, std::size_t value) {
    options opts = byte_counting(d);
    opts.*limit = value;
    return dialect_server(std::move(opts));
}

} // namespace

BOOST_AUTO_TEST_SUITE(emulator_dialect_refusals)

BOOST_AUTO_TEST_CASE(wrong_keys_get_each_servers_401) {
    const std::vector<std::pair<dialect, std::string>> bodies = {
        {dialect::cohere, R"({"message":"invalid api token"})"},
        {dialect::jina, R"({"error":"Unauthorized"})"},
        {dialect::voyage, R"({"detail":"Provided API key is invalid."})"},
        {dialect::tei, ""},
        {dialect::nim, R"({"error":"Unauthorized"})"},
    };
    for (const auto& [d, expected] : bodies) {
        BOOST_TEST_CONTEXT(rerank::to_string(d)) {
            dialect_server srv(options_for(d));
            const auto r = srv.call(post(endpoint_of(d), dialect_body(d, "q", docs), "wrong"));
            BOOST_TEST(r.response.result_int() == 401u);
            BOOST_TEST(r.response.body() == expected);
            BOOST_TEST(r.response.count(http::field::content_type) == (expected.empty() ? 0u : 1u));
        }
    }
}

BOOST_AUTO_TEST_CASE(unknown_paths_and_methods_get_each_servers_404_and_405) {
    for (dialect d : provider_dialects) {
        BOOST_TEST_CONTEXT(rerank::to_string(d)) {
            dialect_server srv(options_for(d));
            auto r = srv.call(post("/v1/nothing", dialect_body(d, "q", docs)));
            BOOST_TEST(r.response.result_int() == 404u);
            auto get = post(endpoint_of(d), json::object{});
            get.method(http::verb::get);
            const auto wrong_method = srv.call(get);
            BOOST_TEST(wrong_method.response.result_int() == 405u);
            BOOST_TEST(wrong_method.response[http::field::allow] == "POST");
            if (d == dialect::tei) {
                BOOST_TEST(r.response.body().empty()); // axum
            } else if (d == dialect::cohere) {
                BOOST_TEST(error_message(d, r) == "Not Found");
            } else {
                BOOST_TEST(r.response.body() == R"({"detail":"Not Found"})"); // FastAPI
                BOOST_TEST(wrong_method.response.body() == R"({"detail":"Method Not Allowed"})");
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(malformed_requests_are_refused_as_each_server_does) {
    {
        dialect_server tei(options_for(dialect::tei));
        const auto r = tei.call(post(endpoint_of(dialect::tei), json::object{{"query", "q"}}));
        BOOST_TEST(r.response.result_int() == 422u); // axum's Json rejection
        BOOST_TEST(r.response[http::field::content_type].starts_with("text/plain"));
        BOOST_TEST(r.response.body().starts_with(
            "Failed to deserialize the JSON body into the target type: texts"));
        const auto not_json = tei.call(post_text(endpoint_of(dialect::tei), "{oops"));
        BOOST_TEST(not_json.response.result_int() == 400u);
    }
    {
        dialect_server nim(options_for(dialect::nim));
        json::object strings = dialect_body(dialect::nim, "q", docs);
        strings["passages"] = json::array{"a", "b"}; // not {"text"} objects
        const auto r = nim.rank(strings);
        BOOST_TEST(r.response.result_int() == 422u); // FastAPI's validation error
        BOOST_TEST(r.json().at("detail").as_array()[0].at("loc").as_array()[1].as_string() ==
                   "passages");
        const auto bad_truncate =
            nim.rank(dialect_body(dialect::nim, "q", docs, {{"truncate", "START"}}));
        BOOST_TEST(bad_truncate.response.result_int() == 422u);
    }
    {
        dialect_server jina(options_for(dialect::jina));
        json::object no_query = dialect_body(dialect::jina, "q", docs);
        no_query.erase("query");
        const auto r = jina.rank(no_query);
        BOOST_TEST(r.response.result_int() == 400u);
        const json::value error = r.json().at("error");
        BOOST_TEST(error.at("type").as_string() == "BadRequestError");
        BOOST_TEST(error.at("code").to_number<int>() == 400);
        BOOST_TEST(error.at("param").is_null());
        BOOST_TEST(error.at("message").as_string().find("query") != std::string::npos);
    }
    {
        dialect_server cohere(options_for(dialect::cohere));
        const auto r = cohere.rank(dialect_body(dialect::cohere, "q", docs, {{"top_n", 0}}));
        BOOST_TEST(r.response.result_int() == 400u);
        BOOST_TEST(error_message(dialect::cohere, r).starts_with("invalid request: top_n"));
    }
    {
        dialect_server voyage(options_for(dialect::voyage));
        json::object no_model = dialect_body(dialect::voyage, "q", docs);
        no_model.erase("model");
        const auto r = voyage.rank(no_model);
        BOOST_TEST(r.response.result_int() == 400u);
        BOOST_TEST(error_message(dialect::voyage, r).find("argument 'model'") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(empty_inputs_are_refused_where_the_server_refuses_them) {
    const std::vector<std::pair<dialect, std::string>> refusals = {
        {dialect::cohere, "invalid request: list of documents must not be empty"},
        {dialect::jina, "\"documents\" must be a non-empty string array"},
        {dialect::voyage, "The request body is not valid JSON, or some arguments were not "
                          "specified properly. In particular, Input cannot contain empty "
                          "strings or empty lists."},
        {dialect::tei, "`texts` cannot be empty"},
        {dialect::nim, "passages must not be empty"},
    };
    for (const auto& [d, message] : refusals) {
        BOOST_TEST_CONTEXT(rerank::to_string(d)) {
            dialect_server srv(options_for(d));
            const auto r = srv.rank(dialect_body(d, "q", {}));
            BOOST_TEST(r.response.result_int() == 400u);
            BOOST_TEST(error_message(d, r) == message);
            if (d == dialect::tei)
                BOOST_TEST(r.json().at("error_type").as_string() == "Empty");
        }
    }
    // Voyage refuses an empty document too; TEI ranks it.
    dialect_server voyage(options_for(dialect::voyage));
    BOOST_TEST(voyage.rank(dialect_body(dialect::voyage, "q", {"a", ""})).response.result_int() ==
               400u);
    dialect_server tei(options_for(dialect::tei));
    BOOST_TEST(tei.rank(dialect_body(dialect::tei, "q", {"a", ""})).response.result_int() == 200u);
}

BOOST_AUTO_TEST_CASE(unknown_models_are_refused_except_by_tei) {
    for (dialect d : provider_dialects) {
        BOOST_TEST_CONTEXT(rerank::to_string(d)) {
            dialect_server srv(options_for(d));
            const auto r = srv.rank(dialect_body(d, "q", docs, {{"model", "no-such-model"}}));
            if (d == dialect::tei) {
                BOOST_TEST(r.response.result_int() == 200u);
                continue;
            }
            BOOST_TEST(r.response.result_int() == (d == dialect::voyage ? 400u : 404u));
            BOOST_TEST(error_message(d, r).find("no-such-model") != std::string::npos);
        }
    }
    dialect_server jina(options_for(dialect::jina));
    const auto r = jina.rank(dialect_body(dialect::jina, "q", docs, {{"model", "x"}}));
    BOOST_TEST(r.json().at("error").at("type").as_string() == "NotFoundError");
}

BOOST_AUTO_TEST_CASE(tei_refuses_a_33rd_text_with_its_real_answer) {
    dialect_server srv(options_for(dialect::tei));
    const std::vector<std::string> many(33, "text");
    const auto r = srv.rank(dialect_body(dialect::tei, "q", many));
    BOOST_TEST(r.response.result_int() == 413u);
    BOOST_TEST(
        r.response.body() ==
        R"({"error":"batch size 33 > maximum allowed batch size 32","error_type":"Validation"})");
    const std::vector<std::string> enough(32, "text");
    BOOST_TEST(srv.rank(dialect_body(dialect::tei, "q", enough)).response.result_int() == 200u);
}

BOOST_AUTO_TEST_CASE(lower_document_limits_are_refused_in_each_dialects_words) {
    for (const too_large& row : too_large_answers) {
        BOOST_TEST_CONTEXT(rerank::to_string(row.d)) {
            dialect_server srv = limited(row.d, &options::max_documents, 3);
            BOOST_TEST(srv.rank(dialect_body(row.d, "q", docs)).response.result_int() == 200u);
            std::vector<std::string> four = docs;
            four.push_back("mnop");
            const auto r = srv.rank(dialect_body(row.d, "q", four));
            BOOST_TEST(r.response.result_int() == row.status);
            BOOST_TEST(error_message(row.d, r) == row.documents_message);
        }
    }
}

BOOST_AUTO_TEST_CASE(pairs_over_the_context_are_refused_unless_truncation_is_asked) {
    for (const too_large& row : too_large_answers) {
        BOOST_TEST_CONTEXT(rerank::to_string(row.d)) {
            dialect_server srv = limited(row.d, &options::max_pair_tokens, 10);
            // "q" + 9 bytes fits; "q" + 10 bytes is one token over.
            BOOST_TEST(srv.rank(dialect_body(row.d, "q", {"123456789"})).response.result_int() ==
                       200u);
            json::object off =
                row.d == dialect::voyage ? json::object{{"truncation", false}} : json::object{};
            const auto r = srv.rank(dialect_body(row.d, "q", {"0123456789", "ab"}, off));
            BOOST_TEST(r.response.result_int() == row.status);
            // Cohere has no switch (it truncates at max_tokens_per_doc itself).
            if (row.d == dialect::cohere)
                continue;
            const auto truncated =
                srv.rank(dialect_body(row.d, "q", {"0123456789", "ab"}, truncating(row.d)));
            BOOST_TEST(truncated.response.result_int() == 200u);
            if (row.d == dialect::jina || row.d == dialect::voyage)
                // The long pair counts 10 (q 1 + 9), the other 1 + 2.
                BOOST_TEST(truncated.json().at("usage").at("total_tokens").to_number<int>() ==
                           10 + 3);
        }
    }
}

BOOST_AUTO_TEST_CASE(voyage_truncates_by_default) {
    dialect_server srv = limited(dialect::voyage, &options::max_pair_tokens, 10);
    BOOST_TEST(srv.rank(dialect_body(dialect::voyage, "q", {"0123456789"})).response.result_int() ==
               200u);
}

BOOST_AUTO_TEST_CASE(lower_request_token_limits_are_refused_in_each_dialects_words) {
    for (const too_large& row : too_large_answers) {
        BOOST_TEST_CONTEXT(rerank::to_string(row.d)) {
            dialect_server srv = limited(row.d, &options::max_request_tokens, 10);
            // q × 2 + 4 + 4 = 10 tokens: at the limit.
            BOOST_TEST(srv.rank(dialect_body(row.d, "q", {"abcd", "efgh"})).response.result_int() ==
                       200u);
            // q + 10 = 11 tokens.
            const auto r = srv.rank(dialect_body(row.d, "q", {"0123456789"}));
            BOOST_TEST(r.response.result_int() == row.status);
            BOOST_TEST(error_message(row.d, r) == row.tokens_message);
        }
    }
}

BOOST_AUTO_TEST_CASE(cohere_counts_documents_at_most_max_tokens_per_doc) {
    dialect_server srv = limited(dialect::cohere, &options::max_request_tokens, 10);
    // q + 10 bytes would be 11; with max_tokens_per_doc 5 the document counts 5.
    const auto r =
        srv.rank(dialect_body(dialect::cohere, "q", {"0123456789"}, {{"max_tokens_per_doc", 5}}));
    BOOST_TEST(r.response.result_int() == 200u);
}

BOOST_AUTO_TEST_CASE(throttling_answers_each_dialects_429) {
    for (dialect d : provider_dialects) {
        BOOST_TEST_CONTEXT(rerank::to_string(d)) {
            options opts = options_for(d);
            opts.requests_per_minute = 60; // a burst of one request
            dialect_server srv(opts);
            BOOST_TEST(srv.rank(dialect_body(d, "q", docs)).response.result_int() == 200u);
            const auto r = srv.rank(dialect_body(d, "q", docs));
            BOOST_TEST(r.response.result_int() == 429u);
            BOOST_TEST(!error_message(d, r).empty());
            BOOST_TEST(srv.s.stats().throttled == 1u);
            if (d == dialect::tei)
                BOOST_TEST(r.response.body() ==
                           R"({"error":"Model is overloaded","error_type":"Overloaded"})");
        }
    }
}

BOOST_AUTO_TEST_CASE(bodies_over_the_limit_get_each_dialects_413) {
    for (dialect d : provider_dialects) {
        BOOST_TEST_CONTEXT(rerank::to_string(d)) {
            options opts = options_for(d);
            opts.max_body_bytes = 1024;
            dialect_server srv(opts);
            const auto r = srv.rank(dialect_body(d, "q", {std::string(2048, 'x')}));
            BOOST_TEST(r.response.result_int() == 413u);
            if (d == dialect::tei)
                BOOST_TEST(r.response.body() ==
                           "Failed to buffer the request body: length limit exceeded");
            else
                BOOST_TEST(error_message(d, r).find("1024 bytes") != std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
