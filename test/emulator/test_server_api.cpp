// The emulator over the wire: both dialects' answers, refusals, limits and HTTPS.
#include "client.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <regex>

using namespace rerank::emulator;
using namespace rerank::emulator::test;

namespace {

struct started_server {
    server s;
    explicit started_server(options opts = {})
        : s(std::move(opts)) {
        s.start();
    }
    unsigned short port() const { return s.port(); }
};

const std::vector<std::string> fruit_docs{"The sky is blue.", "Apples are red fruit.",
                                          "Bananas are a yellow fruit.", "Roads are grey."};

exchange_result call(unsigned short port, http::request<http::string_body> request) {
    exchange_result result;
    io_fixture().run(
        [&]() -> asio::awaitable<void> { result = co_await one_shot(port, std::move(request)); });
    BOOST_REQUIRE_MESSAGE(!result.ec, "exchange failed: " << result.ec.message());
    return result;
}

} // namespace

BOOST_AUTO_TEST_SUITE(emulator_api)

BOOST_AUTO_TEST_CASE(compatible_dialect_ranks_and_echoes_documents) {
    started_server srv;
    const auto r =
        call(srv.port(), post(compatible_path, compatible_body("red fruit", fruit_docs)));
    BOOST_TEST(r.response.result_int() == 200u);
    BOOST_TEST(r.response[http::field::content_type] == "application/json");
    const json::value body = r.json();
    BOOST_TEST(
        std::regex_match(std::string(body.at("id").as_string()), std::regex("[0-9a-f-]{36}")));
    BOOST_TEST(body.at("object").as_string() == "list");
    BOOST_TEST(body.at("model").as_string() == "qwen3-rerank");
    const auto& results = body.at("results").as_array();
    BOOST_REQUIRE(results.size() == 4u);
    BOOST_TEST(results[0].at("index").to_number<int>() == 1);
    BOOST_TEST(results[1].at("index").to_number<int>() == 2);
    double previous = 2.0;
    for (const auto& result : results) {
        const auto index = result.at("index").to_number<std::size_t>();
        BOOST_TEST(result.at("document").at("text").as_string() == fruit_docs[index]);
        const double score = result.at("relevance_score").as_double();
        BOOST_TEST(score <= previous);
        previous = score;
    }
    // Exact Qwen3 tokens (the default): query 2 × 4 documents + 5 + 6 + 7 + 5.
    BOOST_TEST(body.at("usage").at("total_tokens").to_number<int>() == 2 * 4 + 5 + 6 + 7 + 5);
}

BOOST_AUTO_TEST_CASE(compatible_top_n_limits_the_results) {
    started_server srv;
    auto r = call(srv.port(),
                  post(compatible_path, compatible_body("red fruit", fruit_docs, {{"top_n", 2}})));
    BOOST_TEST(r.json().at("results").as_array().size() == 2u);
    r = call(srv.port(),
             post(compatible_path, compatible_body("red fruit", fruit_docs, {{"top_n", 99}})));
    BOOST_TEST(r.json().at("results").as_array().size() == 4u);
}

BOOST_AUTO_TEST_CASE(native_dialect_echoes_documents_only_when_asked) {
    started_server srv;
    auto r =
        call(srv.port(), post(native_path, native_body("red fruit", fruit_docs, {{"top_n", 3}})));
    BOOST_TEST(r.response.result_int() == 200u);
    json::value body = r.json();
    BOOST_TEST(body.at("request_id").is_string());
    auto results = body.at("output").at("results").as_array();
    BOOST_REQUIRE(results.size() == 3u);
    BOOST_TEST(results[0].at("index").to_number<int>() == 1);
    BOOST_TEST(!results[0].as_object().contains("document"));
    BOOST_TEST(body.at("usage").at("total_tokens").is_number());

    r = call(srv.port(),
             post(native_path, native_body("red fruit", fruit_docs, {{"return_documents", true}})));
    results = r.json().at("output").at("results").as_array();
    BOOST_REQUIRE(results.size() == 4u);
    BOOST_TEST(results[0].at("document").at("text").as_string() == fruit_docs[1]);
}

BOOST_AUTO_TEST_CASE(wrong_or_missing_keys_get_the_real_401_bodies) {
    started_server srv;
    auto r = call(srv.port(), post(compatible_path, compatible_body("q", fruit_docs), "wrong"));
    BOOST_TEST(r.response.result_int() == 401u);
    // The whole body, verbatim but for the random request id.
    const json::object compat = r.json().as_object();
    BOOST_TEST(compat.size() == 2u);
    BOOST_TEST(compat.at("request_id").as_string().size() == 36u);
    BOOST_TEST(
        json::serialize(compat.at("error")) ==
        R"({"message":"Incorrect API key provided. ","type":"invalid_request_error","param":null,"code":"invalid_api_key"})");

    r = call(srv.port(), post(native_path, native_body("q", fruit_docs), ""));
    BOOST_TEST(r.response.result_int() == 401u);
    const json::object native = r.json().as_object();
    BOOST_TEST(native.size() == 3u);
    BOOST_TEST(native.at("request_id").as_string().size() == 36u);
    BOOST_TEST(native.at("code").as_string() == "InvalidApiKey");
    BOOST_TEST(native.at("message").as_string() == "Invalid API-key provided.");
}

BOOST_AUTO_TEST_CASE(authentication_can_be_turned_off) {
    options opts;
    opts.api_key.clear();
    started_server srv(opts);
    const auto r = call(srv.port(), post(compatible_path, compatible_body("q", fruit_docs), ""));
    BOOST_TEST(r.response.result_int() == 200u);
}

BOOST_AUTO_TEST_CASE(bad_requests_get_400_in_the_dialects_shape) {
    started_server srv;
    auto r = call(srv.port(), post(compatible_path, compatible_body("q", {})));
    BOOST_TEST(r.response.result_int() == 400u);
    BOOST_TEST(r.json().at("error").at("code").as_string() == "BadRequest.EmptyInput");
    BOOST_TEST(r.json().at("error").at("type").as_string() == "invalid_request_error");

    r = call(srv.port(), post(native_path, native_body("", fruit_docs)));
    BOOST_TEST(r.response.result_int() == 400u);
    BOOST_TEST(r.json().at("code").as_string() == "BadRequest.EmptyInput");

    const std::vector<std::string> many(501, "doc");
    r = call(srv.port(), post(compatible_path, compatible_body("q", many)));
    BOOST_TEST(r.response.result_int() == 400u);
    BOOST_TEST(r.json().at("error").at("code").as_string() == "InvalidParameter");
    BOOST_TEST(r.json().at("error").at("message").as_string() ==
               "batch size of documents is invalid, it should not be larger than 500.");

    r = call(srv.port(), post_text(native_path, "{not json"));
    BOOST_TEST(r.response.result_int() == 400u);
    BOOST_TEST(r.json().at("code").as_string() == "InvalidParameter");

    r = call(srv.port(), post(compatible_path, compatible_body("q", fruit_docs, {{"top_n", 0}})));
    BOOST_TEST(r.response.result_int() == 400u);
}

BOOST_AUTO_TEST_CASE(the_token_budget_is_configurable_and_enforced) {
    options opts;
    opts.max_request_tokens = 100;
    started_server srv(opts);
    // 10 documents of 10 digits (Qwen3 makes a token of each digit) and a 1-token query:
    // 10 + 100 = 110 tokens.
    const std::vector<std::string> docs(10, "0123456789");
    auto r = call(srv.port(), post(compatible_path, compatible_body("q", docs)));
    BOOST_TEST(r.response.result_int() == 400u);
    BOOST_TEST(r.json().at("error").at("code").as_string() == "InvalidParameter");
    const std::vector<std::string> fewer(9, "0123456789"); // 9 + 90 = 99
    r = call(srv.port(), post(compatible_path, compatible_body("q", fewer)));
    BOOST_TEST(r.response.result_int() == 200u);
    BOOST_TEST(r.json().at("usage").at("total_tokens").to_number<int>() == 99);
}

BOOST_AUTO_TEST_CASE(unknown_paths_and_models_are_404_and_wrong_methods_405) {
    started_server srv;
    auto r = call(srv.port(), post("/compatible-api/v1/rerank", compatible_body("q", fruit_docs)));
    BOOST_TEST(r.response.result_int() == 404u);
    BOOST_TEST(r.json().at("error").at("code").as_string() == "not_found");
    BOOST_TEST(r.json().at("error").at("param").is_null());
    BOOST_TEST(r.json().at("request_id").is_string());

    r = call(srv.port(), post("/api/v1/services/rerank/text-rerank", native_body("q", fruit_docs)));
    BOOST_TEST(r.response.result_int() == 404u);
    BOOST_TEST(r.json().at("code").is_string());

    json::object unknown_model = compatible_body("q", fruit_docs);
    unknown_model["model"] = "no-such-model";
    r = call(srv.port(), post(compatible_path, unknown_model));
    BOOST_TEST(r.response.result_int() == 404u);
    BOOST_TEST(r.json().at("error").at("code").as_string() == "model_not_found");

    json::object native_unknown = native_body("q", fruit_docs);
    native_unknown["model"] = "no-such-model";
    r = call(srv.port(), post(native_path, native_unknown));
    BOOST_TEST(r.json().at("code").as_string() == "ModelNotFound");

    auto get = post(compatible_path, json::object{});
    get.method(http::verb::get);
    r = call(srv.port(), get);
    BOOST_TEST(r.response.result_int() == 405u);
    BOOST_TEST(r.response[http::field::allow] == "POST");
}

BOOST_AUTO_TEST_CASE(bodies_over_the_limit_get_413) {
    options opts;
    opts.max_body_bytes = 4096;
    started_server srv(opts);
    const std::vector<std::string> docs(10, std::string(500, 'x'));
    const auto r = call(srv.port(), post(native_path, native_body("q", docs)));
    BOOST_TEST(r.response.result_int() == 413u);
    BOOST_TEST(r.json().at("code").as_string() == "BadRequest.TooLarge");
    BOOST_TEST(!r.response.keep_alive());
    BOOST_TEST(srv.s.stats().requests == 1u);
}

BOOST_AUTO_TEST_CASE(https_with_the_test_ca) {
    options opts;
    opts.tls_cert_file = cert_path("server.pem");
    opts.tls_key_file = cert_path("server.key");
    started_server srv(opts);
    BOOST_TEST(srv.s.base_url() ==
               "https://127.0.0.1:" + std::to_string(srv.port()) + "/compatible-api/v1");
    BOOST_TEST(srv.s.base_url(rerank::dialect::dashscope_native) ==
               "https://127.0.0.1:" + std::to_string(srv.port()) + "/api/v1");
    asio::ssl::context tls = test_ca_context();
    for (const char* host : {"localhost", "127.0.0.1"}) {
        BOOST_TEST_CONTEXT(host) {
            io_fixture().run([&]() -> asio::awaitable<void> {
                raw_client client(co_await asio::this_coro::executor, &tls, host);
                const error_code ec = co_await client.connect(srv.port());
                BOOST_REQUIRE_MESSAGE(!ec, ec.message());
                auto r = co_await client.exchange(
                    post(compatible_path, compatible_body("red fruit", fruit_docs)));
                BOOST_REQUIRE(!r.ec);
                BOOST_TEST(r.response.result_int() == 200u);
                // Keep-alive over TLS: a second request on the same connection.
                r = co_await client.exchange(
                    post(native_path, native_body("q", fruit_docs), "bad"));
                BOOST_REQUIRE(!r.ec);
                BOOST_TEST(r.response.result_int() == 401u);
            });
        }
    }
    BOOST_TEST(srv.s.stats().connections_accepted == 2u);
}

BOOST_AUTO_TEST_CASE(the_other_test_certificates_fail_verification) {
    for (const char* name : {"wrong-host", "untrusted"}) {
        BOOST_TEST_CONTEXT(name) {
            options opts;
            opts.tls_cert_file = cert_path(std::string(name) + ".pem");
            opts.tls_key_file = cert_path(std::string(name) + ".key");
            started_server srv(opts);
            asio::ssl::context tls = test_ca_context();
            io_fixture().run([&]() -> asio::awaitable<void> {
                raw_client client(co_await asio::this_coro::executor, &tls, "localhost");
                const error_code ec = co_await client.connect(srv.port());
                BOOST_TEST(ec.failed());
                BOOST_TEST((ec.category() == asio::error::get_ssl_category()));
            });
        }
    }
}

BOOST_AUTO_TEST_CASE(start_reports_unusable_certificates_and_addresses) {
    options missing_key;
    missing_key.tls_cert_file = cert_path("server.pem");
    BOOST_CHECK_THROW(server(missing_key).start(), std::invalid_argument);
    options no_file;
    no_file.tls_cert_file = cert_path("absent.pem");
    no_file.tls_key_file = cert_path("absent.key");
    BOOST_CHECK_THROW(server(no_file).start(), boost::system::system_error);
    started_server first;
    options taken;
    taken.port = first.port();
    BOOST_CHECK_THROW(server(taken).start(), boost::system::system_error);
    BOOST_CHECK_THROW(first.s.start(), std::logic_error);
}

BOOST_AUTO_TEST_SUITE_END()
