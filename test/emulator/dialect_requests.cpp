#include "dialect_requests.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

namespace rerank::emulator::test {

using rerank::dialect;

std::string endpoint_of(dialect d) {
    switch (d) {
    case dialect::cohere:
        return "/v2/rerank";
    case dialect::tei:
        return "/rerank";
    case dialect::nim:
        return "/v1/ranking";
    default:
        return "/v1/rerank";
    }
}

json::object dialect_body(dialect d, std::string_view query,
                          const std::vector<std::string>& documents, json::object extra) {
    json::object body;
    if (d != dialect::tei)
        body["model"] = options_for(d).models.front();
    if (d == dialect::nim) {
        json::array passages;
        for (const std::string& text : documents)
            passages.push_back(json::object{{"text", text}});
        body["query"] = json::object{{"text", query}};
        body["passages"] = std::move(passages);
    } else {
        body["query"] = query;
        body[d == dialect::tei ? "texts" : "documents"] =
            json::array(documents.begin(), documents.end());
    }
    for (auto& field : extra)
        body[field.key()] = field.value();
    return body;
}

const json::array& results_of(dialect d, const json::value& body) {
    switch (d) {
    case dialect::tei:
        return body.as_array();
    case dialect::nim:
        return body.at("rankings").as_array();
    case dialect::voyage:
        return body.at("data").as_array();
    default:
        return body.at("results").as_array();
    }
}

double score_of(dialect d, const json::value& result) {
    const char* key = d == dialect::tei ? "score" : d == dialect::nim ? "logit" : "relevance_score";
    return result.at(key).to_number<double>();
}

std::string error_message(dialect d, const exchange_result& r) {
    const json::value body = r.json();
    BOOST_TEST_REQUIRE(body.is_object(), "not a JSON object: " << r.response.body());
    switch (d) {
    case dialect::cohere:
        return std::string(body.at("message").as_string());
    case dialect::voyage:
        return std::string(body.at("detail").as_string());
    case dialect::tei:
    case dialect::nim:
        return std::string(body.at("error").as_string());
    default:
        return std::string(body.at("error").at("message").as_string());
    }
}

dialect_server::dialect_server(options opts)
    : s(std::move(opts)) {
    s.start();
}

exchange_result dialect_server::call(http::request<http::string_body> request) {
    exchange_result result;
    io_fixture().run([&]() -> asio::awaitable<void> {
        result = co_await one_shot(s.port(), std::move(request));
    });
    BOOST_REQUIRE_MESSAGE(!result.ec, "exchange failed: " << result.ec.message());
    return result;
}

exchange_result dialect_server::rank(const json::object& body) {
    return call(post(endpoint_of(dialect()), body, s.options().api_key));
}

options byte_counting(dialect d) {
    options o = options_for(d);
    o.count_tokens = approximate_token_count;
    return o;
}

} // namespace rerank::emulator::test
