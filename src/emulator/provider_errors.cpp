#include "emulator/provider_errors.hpp"

#include <boost/json.hpp>

namespace rerank::emulator::detail {
namespace {

namespace json = boost::json;
using rerank::dialect;

// Voyage prefixes every request-validation message with this (captured answers of its API).
constexpr std::string_view voyage_prefix = "The request body is not valid JSON, or some arguments "
                                           "were not specified properly. In particular, ";

// vLLM's error types, by status (its `ErrorResponse.type`).
std::string vllm_type(unsigned status) {
    switch (status) {
    case 404:
        return "NotFoundError";
    case 429:
        return "RateLimitError";
    default:
        return "BadRequestError";
    }
}

// An answer sent verbatim (its shape is not the dialect's usual one).
api_error verbatim(unsigned status, std::string body, std::string content_type) {
    api_error e(status, "", body);
    e.body = std::move(body);
    e.content_type = std::move(content_type);
    return e;
}

// FastAPI's answer for routing and method failures: `{"detail":"Not Found"}`.
api_error fastapi_detail(unsigned status, std::string_view detail) {
    return verbatim(status, json::serialize(json::object{{"detail", detail}}), "application/json");
}

// An answer in the dialect's usual shape; `code` is TEI's `error_type` (vLLM derives its `type`
// from the status).
api_error shaped(dialect d, unsigned status, std::string message, std::string tei_type = {}) {
    return api_error{status, d == dialect::tei ? std::move(tei_type) : std::string(),
                     std::move(message)};
}

std::string decimal(std::size_t n) {
    return std::to_string(n);
}

} // namespace

api_error provider_unauthorized(dialect d) {
    switch (d) {
    case dialect::cohere:
        return shaped(d, 401, "invalid api token");
    case dialect::voyage:
        return shaped(d, 401, "Provided API key is invalid.");
    case dialect::tei:
        return verbatim(401, "", ""); // axum answers the bare status
    default:                          // vLLM's and NIM's middleware
        return verbatim(401, R"({"error":"Unauthorized"})", "application/json");
    }
}

api_error provider_path_not_found(dialect d) {
    if (d == dialect::tei)
        return verbatim(404, "", "");
    if (d == dialect::cohere)
        return shaped(d, 404, "Not Found");
    return fastapi_detail(404, "Not Found");
}

api_error provider_method_not_allowed(dialect d) {
    if (d == dialect::tei)
        return verbatim(405, "", "");
    if (d == dialect::cohere)
        return shaped(d, 405, "Method Not Allowed");
    return fastapi_detail(405, "Method Not Allowed");
}

api_error provider_model_not_found(dialect d, std::string_view model) {
    const std::string name(model);
    switch (d) {
    case dialect::cohere:
        return shaped(d, 404,
                      "model '" + name +
                          "' not found, make sure the correct model ID was used and that you "
                          "have access to the model.");
    case dialect::voyage:
        return shaped(d, 400, std::string(voyage_prefix) + "Model " + name + " is not supported.");
    case dialect::nim:
        return shaped(d, 404, "Model '" + name + "' not found.");
    default:
        return shaped(d, 404, "The model `" + name + "` does not exist.");
    }
}

api_error provider_not_json(dialect d) {
    switch (d) {
    case dialect::tei:
        return verbatim(400, "Failed to parse the request body as JSON",
                        "text/plain; charset=utf-8");
    case dialect::voyage:
        return shaped(d, 400, std::string(voyage_prefix) + "the body is not valid JSON.");
    case dialect::cohere:
        return shaped(d, 400, "invalid request: the request body is not valid JSON.");
    default:
        return provider_bad_field(d, "body", "JSON decode error");
    }
}

api_error provider_bad_field(dialect d, std::string_view field, std::string_view problem) {
    const std::string name(field);
    switch (d) {
    case dialect::tei:
        return verbatim(422,
                        "Failed to deserialize the JSON body into the target type: " + name + ": " +
                            std::string(problem),
                        "text/plain; charset=utf-8");
    case dialect::nim: {
        json::object item{
            {"type", "value_error"}, {"loc", json::array{"body", name}}, {"msg", problem}};
        return verbatim(422, json::serialize(json::object{{"detail", json::array{item}}}),
                        "application/json");
    }
    case dialect::voyage:
        return shaped(d, 400,
                      std::string(voyage_prefix) + "Error for argument '" + name +
                          "': " + std::string(problem));
    case dialect::cohere:
        return shaped(d, 400, "invalid request: " + name + ": " + std::string(problem));
    default:
        return shaped(d, 400,
                      "1 validation error for RerankRequest\n" + name + "\n  " +
                          std::string(problem));
    }
}

api_error provider_unsupported_field(dialect d, std::string_view field) {
    return shaped(d, 400,
                  std::string(voyage_prefix) + "Argument '" + std::string(field) +
                      "' is not supported by our API.");
}

api_error provider_empty_input(dialect d, std::string_view what) {
    switch (d) {
    case dialect::tei:
        return shaped(d, 400, "`texts` cannot be empty", "Empty");
    case dialect::cohere:
        return shaped(d, 400, "invalid request: " + std::string(what) + " must not be empty");
    case dialect::voyage:
        return shaped(d, 400,
                      std::string(voyage_prefix) +
                          "Input cannot contain empty strings or empty lists.");
    case dialect::nim:
        return shaped(d, 400, std::string(what) + " must not be empty");
    default: // llama.cpp's wording
        return shaped(d, 400, "\"" + std::string(what) + "\" must be a non-empty string array");
    }
}

api_error provider_too_many_documents(dialect d, std::size_t given, std::size_t max) {
    switch (d) {
    case dialect::tei:
        return shaped(d, 413,
                      "batch size " + decimal(given) + " > maximum allowed batch size " +
                          decimal(max),
                      "Validation");
    case dialect::cohere:
        return shaped(d, 400,
                      "invalid request: too many documents: got " + decimal(given) +
                          ", the maximum is " + decimal(max) + ".");
    case dialect::voyage:
        return shaped(d, 400,
                      std::string(voyage_prefix) + "The number of documents " + decimal(given) +
                          " exceeds the maximum of " + decimal(max) + ".");
    case dialect::nim:
        return shaped(d, 400,
                      "Number of passages " + decimal(given) + " exceeds the maximum of " +
                          decimal(max) + ".");
    default:
        return shaped(d, 400,
                      "Too many documents: " + decimal(given) + " > maximum allowed " +
                          decimal(max) + ".");
    }
}

api_error provider_too_many_tokens(dialect d, std::size_t given, std::size_t max) {
    switch (d) {
    case dialect::tei:
        return shaped(d, 413,
                      "Input validation error: `inputs` must have less than " + decimal(max) +
                          " tokens. Given: " + decimal(given),
                      "Validation");
    case dialect::nim:
        return shaped(d, 400,
                      "Input length " + decimal(given) + " exceeds maximum allowed token size " +
                          decimal(max));
    case dialect::cohere:
        return shaped(d, 400,
                      "invalid request: the request has " + decimal(given) +
                          " tokens, more than the maximum of " + decimal(max) + ".");
    case dialect::voyage:
        return shaped(d, 400,
                      std::string(voyage_prefix) + "The input has " + decimal(given) +
                          " tokens, more than the limit of " + decimal(max) + ".");
    default:
        return shaped(d, 400,
                      "This model's maximum context length is " + decimal(max) +
                          " tokens. However, you requested " + decimal(given) +
                          " tokens in the input for embedding generation. Please reduce the "
                          "length of the input.");
    }
}

api_error provider_throttled(dialect d) {
    switch (d) {
    case dialect::tei:
        return shaped(d, 429, "Model is overloaded", "Overloaded");
    case dialect::cohere:
        return shaped(d, 429,
                      "You are past the rate limit of this API key, please wait and try again.");
    case dialect::voyage:
        return shaped(d, 429,
                      "You have exceeded the rate limit of your account; please retry later.");
    default:
        return shaped(d, 429, "Too many requests, please try again later.");
    }
}

api_error provider_body_too_large(dialect d, std::size_t max_body_bytes) {
    if (d == dialect::tei)
        return verbatim(413, "Failed to buffer the request body: length limit exceeded",
                        "text/plain; charset=utf-8");
    return shaped(d, 413,
                  "Request body is too large; the limit is " + decimal(max_body_bytes) + " bytes.");
}

std::string provider_error_body(dialect d, const api_error& e) {
    if (e.body)
        return *e.body;
    json::object body;
    switch (d) {
    case dialect::cohere:
        body["message"] = e.message;
        break;
    case dialect::voyage:
        body["detail"] = e.message;
        break;
    case dialect::tei:
        body["error"] = e.message;
        body["error_type"] = e.code;
        break;
    case dialect::nim:
        body["error"] = e.message;
        break;
    default: {
        json::object error{{"message", e.message},
                           {"type", vllm_type(e.status)},
                           {"param", nullptr},
                           {"code", e.status}};
        body["error"] = std::move(error);
        break;
    }
    }
    return json::serialize(body);
}

} // namespace rerank::emulator::detail
