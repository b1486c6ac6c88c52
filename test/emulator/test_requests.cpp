// Request evaluation (routing, auth, parsing, limits), token counting, and the bodies the emulator
// answers with: pure functions, no I/O.
#include "emulator/answer.hpp"
#include "emulator/errors.hpp"
#include "emulator/evaluate.hpp"
#include "emulator/json_text.hpp"
#include "emulator/request_id.hpp"
#include "emulator/routes.hpp"
#include "emulator/validate_call.hpp"
#include "emulator/wire.hpp"

#include <rerank/dialect.hpp>
#include <rerank/emulator/token_count.hpp>
#include <rerank/qwen3_tokenizer.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <regex>

using namespace rerank::emulator;
using namespace rerank::emulator::detail;
namespace json = boost::json;

namespace {

constexpr std::string_view compatible = "/compatible-api/v1/reranks";
constexpr std::string_view native = "/api/v1/services/rerank/text-rerank/text-rerank";
constexpr std::string_view bearer = "Bearer emulator-key";

std::string compatible_json(std::string_view extra = "") {
    return std::string(
               R"({"model":"qwen3-rerank","query":"red fruit","documents":["apple is red","sky"])") +
           std::string(extra) + "}";
}

// Evaluates a request; the evaluation owns the JSON its call views.
struct evaluated {
    evaluation ev;
    evaluated(const options& opts, std::string_view target, std::string_view body,
              std::optional<std::string_view> auth = bearer, std::string_view method = "POST") {
        evaluate(opts, request_view{method, target, auth, body}, ev);
    }
};

std::string code_of(const evaluation& ev) {
    return ev.error ? ev.error->code : "";
}

} // namespace

BOOST_AUTO_TEST_SUITE(emulator_routes)

BOOST_AUTO_TEST_CASE(the_endpoints_are_the_base_paths_plus_the_clients_endpoint_paths) {
    BOOST_TEST(std::string(compatible_base_path) +
                   std::string(rerank::endpoint_path(rerank::dialect::dashscope)) ==
               compatible_endpoint);
    BOOST_TEST(std::string(native_base_path) +
                   std::string(rerank::endpoint_path(rerank::dialect::dashscope_native)) ==
               native_endpoint);
}

BOOST_AUTO_TEST_CASE(routing_ignores_the_query_string_and_nothing_else) {
    BOOST_TEST((route("/compatible-api/v1/reranks?x=1") == rerank::dialect::dashscope));
    BOOST_TEST((route(native) == rerank::dialect::dashscope_native));
    BOOST_TEST(!route("/compatible-api/v1/reranks/"));
    BOOST_TEST(!route("/compatible-mode/v1/reranks"));
    BOOST_TEST((error_dialect_of("/api/v1/other") == rerank::dialect::dashscope_native));
    BOOST_TEST((error_dialect_of("/nope") == rerank::dialect::dashscope));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(emulator_evaluate)

BOOST_AUTO_TEST_CASE(a_valid_compatible_request_is_parsed_and_counted) {
    options opts;
    evaluated e(opts, compatible, compatible_json(R"(,"top_n":1,"instruct":"ab","unknown":[1])"));
    BOOST_TEST(!e.ev.error);
    BOOST_TEST(e.ev.call_parsed);
    BOOST_TEST(e.ev.call.query == "red fruit");
    BOOST_TEST(e.ev.call.documents.size() == 2u);
    BOOST_TEST(*e.ev.call.top_n == 1u);
    // Exact Qwen3 counts by default: (query "red"," fruit" 2 + instruct "ab" 1) × 2 documents
    // + "apple"," is"," red" 3 + "sky" 1.
    BOOST_TEST(e.ev.tokens == 3u * 2 + 3 + 1);
}

BOOST_AUTO_TEST_CASE(a_valid_native_request_is_parsed) {
    options opts;
    evaluated e(opts, native,
                R"({"model":"gte-rerank-v2","input":{"query":"q","documents":["a","b","c"]},)"
                R"("parameters":{"return_documents":true,"top_n":2}})");
    BOOST_TEST(!e.ev.error);
    BOOST_TEST(e.ev.call.return_documents);
    BOOST_TEST(e.ev.call.documents.size() == 3u);
    BOOST_TEST(e.ev.tokens == 1u * 3 + 3);
}

BOOST_AUTO_TEST_CASE(items_count_at_most_max_item_tokens) {
    options opts;
    opts.max_item_tokens = 2;
    evaluated e(
        opts, compatible,
        R"({"model":"qwen3-rerank","query":"a long query","documents":["0123456789","ab"]})");
    // Query 3 tokens and the first document 10 (one per digit) count 2 each; "ab" is 1.
    BOOST_TEST(e.ev.tokens == 2u * 2 + 2 + 1);
}

BOOST_AUTO_TEST_CASE(the_token_counter_is_pluggable) {
    options opts;
    opts.count_tokens = [](std::string_view) -> std::size_t { return 7; };
    evaluated e(opts, compatible, compatible_json());
    BOOST_TEST(e.ev.tokens == 7u * 2 + 7 * 2);
}

BOOST_AUTO_TEST_CASE(the_default_counter_is_the_exact_qwen3_tokenizer) {
    const std::string text = "Reranking 1,234 documents: 北京 and Ünïcödé, with emoji 🙂.";
    BOOST_TEST(exact_token_count(text) == rerank::qwen3_tokenizer::builtin().count(text));
    BOOST_TEST(exact_token_count(text) < text.size());
    options defaults;
    BOOST_TEST(defaults.count_tokens(text) == exact_token_count(text));
    // An empty counter counts exactly too.
    options empty;
    empty.count_tokens = nullptr;
    evaluated e(empty, compatible, compatible_json());
    BOOST_TEST(e.ev.tokens == 2u * 2 + 3 + 1);
}

BOOST_AUTO_TEST_CASE(the_byte_bound_is_an_explicit_choice) {
    options opts;
    opts.count_tokens = approximate_token_count;
    evaluated e(opts, compatible, compatible_json(R"(,"instruct":"ab")"));
    // (query 9 + instruct 2 bytes) × 2 documents + 12 + 3 bytes
    BOOST_TEST(e.ev.tokens == 11u * 2 + 12 + 3);
}

BOOST_AUTO_TEST_CASE(unknown_paths_and_methods_are_refused_first) {
    options opts;
    evaluated path(opts, "/compatible-api/v1/rerank", compatible_json(), std::nullopt);
    BOOST_TEST(path.ev.error->status == 404u);
    BOOST_TEST(code_of(path.ev) == "not_found");
    evaluated native_path(opts, "/api/v1/services/other", "", std::nullopt);
    BOOST_TEST(code_of(native_path.ev) == "NotFound");
    evaluated method(opts, compatible, "", std::nullopt, "GET");
    BOOST_TEST(method.ev.error->status == 405u);
}

BOOST_AUTO_TEST_CASE(authentication_comes_before_validation) {
    options opts;
    evaluated missing(opts, compatible, "not json", std::nullopt);
    BOOST_TEST(missing.ev.error->status == 401u);
    BOOST_TEST(code_of(missing.ev) == "invalid_api_key");
    BOOST_TEST(missing.ev.error->message == "Incorrect API key provided. ");
    evaluated wrong(opts, native, "{}", std::string_view("Bearer other"));
    BOOST_TEST(code_of(wrong.ev) == "InvalidApiKey");
    BOOST_TEST(wrong.ev.error->message == "Invalid API-key provided.");
    evaluated scheme(opts, compatible, compatible_json(), std::string_view("bearer emulator-key"));
    BOOST_TEST(!scheme.ev.error);
    opts.api_key.clear();
    evaluated off(opts, compatible, compatible_json(), std::nullopt);
    BOOST_TEST(!off.ev.error);
}

BOOST_AUTO_TEST_CASE(authorization_must_match_exactly) {
    BOOST_TEST(authorized("k", std::string_view("Bearer k")));
    BOOST_TEST(!authorized("k", std::string_view("Bearer k ")));
    BOOST_TEST(!authorized("k", std::string_view("Basic k")));
    BOOST_TEST(!authorized("k", std::string_view("k")));
    BOOST_TEST(!authorized("k", std::nullopt));
    BOOST_TEST(authorized("", std::nullopt));
}

BOOST_AUTO_TEST_CASE(malformed_bodies_are_invalid_parameters) {
    options opts;
    const char* bodies[] = {
        "not json",
        "[1,2]",
        R"({"query":"q","documents":["a"]})",                          // no model
        R"({"model":1,"query":"q","documents":["a"]})",                // model not a string
        R"({"model":"qwen3-rerank","documents":["a"]})",               // no query
        R"({"model":"qwen3-rerank","query":null,"documents":["a"]})",  // null query
        R"({"model":"qwen3-rerank","query":"q"})",                     // no documents
        R"({"model":"qwen3-rerank","query":"q","documents":"a"})",     // not an array
        R"({"model":"qwen3-rerank","query":"q","documents":["a",2]})", // not strings
        R"({"model":"qwen3-rerank","query":"q","documents":["a"],"top_n":0})",
        R"({"model":"qwen3-rerank","query":"q","documents":["a"],"top_n":-1})",
        R"({"model":"qwen3-rerank","query":"q","documents":["a"],"top_n":2.0})",
        R"({"model":"qwen3-rerank","query":"q","documents":["a"],"top_n":"2"})",
        R"({"model":"qwen3-rerank","query":"q","documents":["a"],"top_n":null})",
        R"({"model":"qwen3-rerank","query":"q","documents":["a"],"instruct":5})",
    };
    for (const char* body : bodies) {
        evaluated e(opts, compatible, body);
        BOOST_TEST_CONTEXT(body) {
            BOOST_TEST(e.ev.error->status == 400u);
            BOOST_TEST(code_of(e.ev) == "InvalidParameter");
        }
    }
    const char* native_bodies[] = {
        R"({"model":"qwen3-rerank","query":"q","documents":["a"]})", // compatible shape
        R"({"model":"qwen3-rerank","input":{"query":"q","documents":["a"]},"parameters":[]})",
        R"({"model":"qwen3-rerank","input":{"query":"q","documents":["a"]},"parameters":{"return_documents":"yes"}})",
    };
    for (const char* body : native_bodies) {
        evaluated e(opts, native, body);
        BOOST_TEST_CONTEXT(body) {
            BOOST_TEST(e.ev.error->status == 400u);
            BOOST_TEST(code_of(e.ev) == "InvalidParameter");
        }
    }
}

BOOST_AUTO_TEST_CASE(empty_inputs_are_refused) {
    options opts;
    evaluated query(opts, compatible, R"({"model":"qwen3-rerank","query":"","documents":["a"]})");
    BOOST_TEST(code_of(query.ev) == "BadRequest.EmptyInput");
    evaluated docs(opts, compatible, R"({"model":"qwen3-rerank","query":"q","documents":[]})");
    BOOST_TEST(code_of(docs.ev) == "BadRequest.EmptyInput");
    BOOST_TEST(docs.ev.error->status == 400u);
    BOOST_TEST(docs.ev.call_parsed); // well-formed, just empty
}

BOOST_AUTO_TEST_CASE(unknown_models_are_not_found) {
    options opts;
    evaluated c(opts, compatible, R"({"model":"qwen9","query":"q","documents":["a"]})");
    BOOST_TEST(c.ev.error->status == 404u);
    BOOST_TEST(code_of(c.ev) == "model_not_found");
    evaluated n(opts, native, R"({"model":"qwen9","input":{"query":"q","documents":["a"]}})");
    BOOST_TEST(code_of(n.ev) == "ModelNotFound");
    opts.models = {"qwen9"};
    evaluated allowed(opts, compatible, R"({"model":"qwen9","query":"q","documents":["a"]})");
    BOOST_TEST(!allowed.ev.error);
}

BOOST_AUTO_TEST_CASE(too_many_documents_are_refused_with_the_real_message) {
    options opts;
    json::array docs(501, json::string("d"));
    json::object body{{"model", "qwen3-rerank"}, {"query", "q"}, {"documents", docs}};
    evaluated e(opts, compatible, json::serialize(body));
    BOOST_TEST(code_of(e.ev) == "InvalidParameter");
    BOOST_TEST(e.ev.error->message ==
               "batch size of documents is invalid, it should not be larger than 500.");
    docs.pop_back();
    body["documents"] = docs;
    evaluated ok(opts, compatible, json::serialize(body));
    BOOST_TEST(!ok.ev.error);
}

BOOST_AUTO_TEST_CASE(the_token_budget_is_enforced_at_its_exact_boundary) {
    options opts;
    opts.max_request_tokens = 1 * 2 + 1 + 1; // query "q" × 2 + "abc" + "def", a token each
    const std::string body = R"({"model":"qwen3-rerank","query":"q","documents":["abc","def"]})";
    evaluated at(opts, compatible, body);
    BOOST_TEST(!at.ev.error);
    opts.max_request_tokens -= 1;
    evaluated over(opts, compatible, body);
    BOOST_TEST(code_of(over.ev) == "InvalidParameter");
    BOOST_TEST(over.ev.error->message.find("Range of input length") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(emulator_answers)

BOOST_AUTO_TEST_CASE(compatible_ranking_body) {
    options opts;
    evaluated e(opts, compatible, compatible_json());
    const json::value body = json::parse(normal_reply(opts, e.ev, "rid").body);
    BOOST_TEST(body.at("id").as_string() == "rid");
    BOOST_TEST(body.at("object").as_string() == "list");
    BOOST_TEST(body.at("model").as_string() == "qwen3-rerank");
    const auto& results = body.at("results").as_array();
    BOOST_TEST(results.size() == 2u);
    BOOST_TEST(results[0].at("index").to_number<int>() == 0); // "apple is red" matches "red"
    BOOST_TEST(results[0].at("document").at("text").as_string() == "apple is red");
    BOOST_TEST(results[0].at("relevance_score").as_double() >
               results[1].at("relevance_score").as_double());
    BOOST_TEST(body.at("usage").at("total_tokens").to_number<std::size_t>() == e.ev.tokens);
}

BOOST_AUTO_TEST_CASE(native_ranking_body_echoes_documents_only_on_request) {
    options opts;
    const std::string plain =
        R"({"model":"qwen3-rerank","input":{"query":"q","documents":["a","q"]}})";
    evaluated without(opts, native, plain);
    const json::value a = json::parse(normal_reply(opts, without.ev, "rid").body);
    BOOST_TEST(a.at("request_id").as_string() == "rid");
    const auto& results = a.at("output").at("results").as_array();
    BOOST_TEST(results.size() == 2u);
    BOOST_TEST(!results[0].as_object().contains("document"));
    BOOST_TEST(a.at("usage").at("total_tokens").to_number<int>() == 4);

    evaluated with(opts, native,
                   R"({"model":"qwen3-rerank","input":{"query":"q","documents":["a","q"]},)"
                   R"("parameters":{"return_documents":true,"top_n":1}})");
    const json::value b = json::parse(normal_reply(opts, with.ev, "rid").body);
    const auto& top = b.at("output").at("results").as_array();
    BOOST_TEST(top.size() == 1u);
    BOOST_TEST(top[0].at("index").to_number<int>() == 1);
    BOOST_TEST(top[0].at("document").at("text").as_string() == "q");
}

BOOST_AUTO_TEST_CASE(error_bodies_have_each_dialects_shape) {
    const api_error e{400, "InvalidParameter", "bad"};
    const json::value c = json::parse(error_body(rerank::dialect::dashscope, e, "rid"));
    BOOST_TEST(
        json::serialize(c) ==
        R"({"error":{"message":"bad","type":"invalid_request_error","param":null,"code":"InvalidParameter"},"request_id":"rid"})");
    const json::value n = json::parse(error_body(rerank::dialect::dashscope_native, e, "rid"));
    BOOST_TEST(json::serialize(n) ==
               R"({"request_id":"rid","code":"InvalidParameter","message":"bad"})");
}

BOOST_AUTO_TEST_CASE(method_not_allowed_says_what_is) {
    options opts;
    evaluated e(opts, compatible, "", std::nullopt, "PUT");
    const reply r = normal_reply(opts, e.ev, "rid");
    BOOST_TEST(r.status == 405u);
    BOOST_TEST(*find_header(r.headers, "allow") == "POST");
}

BOOST_AUTO_TEST_CASE(inconsistent_results_are_inconsistent) {
    options opts;
    evaluated e(opts, compatible, compatible_json());
    {
        json::object body = ranking_json(opts, e.ev, "rid");
        make_inconsistent(body, 2, results_inconsistency::index_out_of_range);
        BOOST_TEST(body.at("results").as_array()[0].at("index").to_number<int>() == 2);
    }
    {
        json::object body = ranking_json(opts, e.ev, "rid");
        make_inconsistent(body, 2, results_inconsistency::duplicate_index);
        const auto& r = body.at("results").as_array();
        BOOST_TEST(r[0].at("index") == r[1].at("index"));
    }
    {
        json::object body = ranking_json(opts, e.ev, "rid");
        make_inconsistent(body, 2, results_inconsistency::missing_score);
        BOOST_TEST(!body.at("results").as_array()[0].as_object().contains("relevance_score"));
    }
}

BOOST_AUTO_TEST_CASE(malformed_json_does_not_parse) {
    options opts;
    evaluated e(opts, compatible, compatible_json());
    const reply r = malformed_json_reply(opts, e.ev, "", "rid");
    BOOST_TEST(r.status == 200u);
    boost::system::error_code ec;
    json::parse(r.body, ec);
    BOOST_TEST(ec.failed());
    BOOST_TEST(malformed_json_reply(opts, e.ev, "<html>", "rid").body == "<html>");
}

BOOST_AUTO_TEST_CASE(wire_format) {
    reply r{429, "application/json", {{"Retry-After", "2"}}, "{}"};
    BOOST_TEST(to_wire(r, true).bytes ==
               "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
               "Content-Length: 2\r\nRetry-After: 2\r\n\r\n{}");
    const wire_message closing = to_wire(reply{200, "", {}, "abc"}, false);
    BOOST_TEST(closing.bytes ==
               "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");
    BOOST_TEST(closing.body_size() == 3u);
}

BOOST_AUTO_TEST_CASE(json_text_writes_doubles_in_plain_decimal_notation) {
    const json::value v{{"a", json::array{0.7223950132819352, 1.0, 0.0, 1e-7, -2.5}},
                        {"i", json::array{0, -3, 7u}},
                        {"s", "q\"x"},
                        {"n", nullptr},
                        {"b", true}};
    const std::string text = to_json_text(v);
    BOOST_TEST(
        text ==
        R"({"a":[0.7223950132819352,1.0,0.0,0.0000001,-2.5],"i":[0,-3,7],"s":"q\"x","n":null,"b":true})");
    BOOST_TEST(json::parse(text) == v); // doubles stay doubles
}

BOOST_AUTO_TEST_CASE(request_ids_are_random_v4_uuids) {
    const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    const std::string a = make_request_id();
    const std::string b = make_request_id();
    BOOST_TEST(std::regex_match(a, uuid));
    BOOST_TEST(std::regex_match(b, uuid));
    BOOST_TEST(a != b);
}

BOOST_AUTO_TEST_SUITE_END()
