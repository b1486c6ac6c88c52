#include "emulator/errors.hpp"

#include "emulator/provider_errors.hpp"
#include "emulator/routes.hpp"

#include <boost/json.hpp>

namespace rerank::emulator::detail {
namespace {

bool compatible(rerank::dialect d) noexcept {
    return d == rerank::dialect::dashscope;
}

} // namespace

api_error invalid_api_key(rerank::dialect d) {
    if (!is_dashscope(d))
        return provider_unauthorized(d);
    // Both messages are verbatim from the real service, the trailing space included.
    if (compatible(d))
        return {401, "invalid_api_key", "Incorrect API key provided. "};
    return {401, "InvalidApiKey", "Invalid API-key provided."};
}

api_error path_not_found(rerank::dialect d, std::string_view path) {
    if (!is_dashscope(d))
        return provider_path_not_found(d);
    return {404, compatible(d) ? "not_found" : "NotFound",
            "The requested path " + std::string(path) + " was not found."};
}

api_error method_not_allowed(rerank::dialect d, std::string_view method) {
    if (!is_dashscope(d))
        return provider_method_not_allowed(d);
    return {405, compatible(d) ? "method_not_allowed" : "MethodNotAllowed",
            "Method " + std::string(method) + " is not allowed here; use POST."};
}

api_error model_not_found(rerank::dialect d, std::string_view model) {
    if (!is_dashscope(d))
        return provider_model_not_found(d, model);
    if (compatible(d))
        return {404, "model_not_found",
                "The model `" + std::string(model) +
                    "` does not exist or you do not have access to it."};
    return {404, "ModelNotFound", "Model not exist: " + std::string(model) + "."};
}

// DashScope's messages for these codes, verbatim.
api_error requests_throttled() {
    return {429, "Throttling.RateQuota", "Requests rate limit exceeded, please try again later."};
}

api_error tokens_throttled() {
    return {429, "Throttling.AllocationQuota",
            "Allocated quota exceeded, please increase your quota limit."};
}

api_error body_too_large(std::size_t max_body_bytes) {
    return {413, "BadRequest.TooLarge",
            "Request body is too large; the limit is " + std::to_string(max_body_bytes) +
                " bytes."};
}

api_error throttled(rerank::dialect d, bool tokens_exceeded) {
    if (!is_dashscope(d))
        return provider_throttled(d);
    return tokens_exceeded ? tokens_throttled() : requests_throttled();
}

api_error body_too_large(rerank::dialect d, std::size_t max_body_bytes) {
    return is_dashscope(d) ? body_too_large(max_body_bytes)
                           : provider_body_too_large(d, max_body_bytes);
}

std::string error_body(rerank::dialect d, const api_error& e, std::string_view request_id) {
    namespace json = boost::json;
    if (e.body)
        return *e.body;
    if (!is_dashscope(d))
        return provider_error_body(d, e);
    json::object body;
    if (compatible(d)) {
        json::object error;
        error["message"] = e.message;
        error["type"] = "invalid_request_error";
        error["param"] = nullptr;
        error["code"] = e.code;
        body["error"] = std::move(error);
        body["request_id"] = request_id;
    } else {
        body["request_id"] = request_id;
        body["code"] = e.code;
        body["message"] = e.message;
    }
    return json::serialize(body);
}

} // namespace rerank::emulator::detail
