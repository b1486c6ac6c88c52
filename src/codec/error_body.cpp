#include "codec/error_body.hpp"

#include "codec/body_snippet.hpp"
#include "text/ascii_case.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <span>
#include <string>

namespace rerank::detail {
namespace {

using text::icontains;
using text::iequals;

// Text of a string or number member; empty for anything else (null included).
std::string text_of(const boost::json::object& obj, std::string_view key) {
    const boost::json::value* v = obj.if_contains(boost::json::string_view(key.data(), key.size()));
    if (v == nullptr)
        return {};
    if (const auto* s = v->if_string())
        return std::string(s->data(), s->size());
    if (v->is_int64())
        return std::to_string(v->get_int64());
    if (v->is_uint64())
        return std::to_string(v->get_uint64());
    return {};
}

// FastAPI's `detail` (vLLM's and many gateways' validation errors): a string, or a list of
// `{loc, msg, type}` objects, whose messages are joined (the first three, then a count).
std::string detail_text(const boost::json::value& detail) {
    if (const auto* s = detail.if_string())
        return std::string(s->data(), s->size());
    const auto* items = detail.if_array();
    if (items == nullptr)
        return {};
    std::string joined;
    std::size_t shown = 0;
    for (const boost::json::value& item : *items) {
        if (!item.is_object())
            continue;
        std::string msg = text_of(item.get_object(), "msg");
        if (msg.empty())
            continue;
        if (shown == 3) {
            joined += " (and " + std::to_string(items->size() - shown) + " more)";
            break;
        }
        joined += (shown++ == 0 ? "" : "; ") + msg;
    }
    return joined;
}

} // namespace

void decode_error_body(unsigned http_status, std::string_view body, diagnostics& diag) {
    diag.http_status = http_status;

    // Error bodies are small and rare: a DOM is fine, on a stack buffer first.
    std::array<unsigned char, 2048> stack_buffer;
    boost::json::monotonic_resource resource(stack_buffer.data(), stack_buffer.size());
    boost::json::error_code ec;
    const boost::json::value root =
        boost::json::parse(boost::json::string_view(body.data(), body.size()), ec, &resource);

    std::string code, message, request_id;
    if (!ec && root.is_object()) {
        const boost::json::object& obj = root.get_object();
        request_id = text_of(obj, "request_id");
        if (request_id.empty())
            request_id = text_of(obj, "id");
        const boost::json::value* error = obj.if_contains("error");
        if (error != nullptr && error->is_object()) {
            const boost::json::object& inner = error->get_object();
            code = text_of(inner, "code");
            if (code.empty())
                code = text_of(inner, "type");
            message = text_of(inner, "message");
        } else if (error != nullptr && error->is_string()) {
            message = text_of(obj, "error");
            code = text_of(obj, "error_type"); // TEI: {error, error_type}
        }
        if (code.empty())
            code = text_of(obj, "code");
        if (message.empty())
            message = text_of(obj, "message");
        if (const boost::json::value* detail = obj.if_contains("detail");
            message.empty() && detail != nullptr)
            message = detail_text(*detail);
    }

    if (!request_id.empty())
        diag.request_id = std::move(request_id);
    if (code.empty() && message.empty()) {
        // Not JSON, or JSON we cannot read: keep the raw start for people to look at.
        diag.body_snippet = make_body_snippet(body);
        return;
    }
    diag.provider_code = std::move(code);
    diag.provider_message = std::move(message);
}

bool says_too_large(rerank::dialect d, const diagnostics& diag) noexcept {
    static constexpr std::string_view dashscope[] = {"input length", "batch size", "too large",
                                                     "too long"};
    static constexpr std::string_view cohere[] = {"too many documents", "too many tokens",
                                                  "too long", "more than the maximum"};
    static constexpr std::string_view jina[] = {"maximum context length", "too large", "too many",
                                                "exceeds"};
    static constexpr std::string_view voyage[] = {"max allowed tokens", "cannot exceed", "too many",
                                                  "exceeds the maximum", "more than the limit"};
    static constexpr std::string_view tei[] = {"maximum allowed batch size", "must have less than",
                                               "payload too large"};
    static constexpr std::string_view nim[] = {"exceeds", "too many", "maximum"};
    // In declaration order of the dialects (both DashScope dialects share their wording).
    static constexpr std::span<const std::string_view> by_dialect[] = {
        dashscope, dashscope, cohere, jina, voyage, tei, nim};
    static_assert(std::size(by_dialect) == std::size(rerank::all_dialects));
    const std::span<const std::string_view> phrases = by_dialect[static_cast<std::size_t>(d)];
    return std::any_of(phrases.begin(), phrases.end(), [&](std::string_view phrase) {
        return icontains(diag.provider_message, phrase);
    });
}

bool is_billing_error(const diagnostics& diag) noexcept {
    // A throttling code clears within seconds, whatever its message says.
    static constexpr std::string_view throttling = "Throttling";
    if (iequals(std::string_view(diag.provider_code).substr(0, throttling.size()), throttling))
        return false;
    // insufficient_quota is the OpenAI-compatible code for a quota used up ("check your plan
    // and billing details"): waiting does not clear it.
    static constexpr std::string_view billing_codes[] = {
        "Arrearage", "PrepaidBillOverdue", "CommodityNotPurchased", "insufficient_quota"};
    for (std::string_view code : billing_codes)
        if (iequals(diag.provider_code, code))
            return true;
    return icontains(diag.provider_message, "Free allocated quota exceeded");
}

rerank::errc classify_status(unsigned http_status, const diagnostics& diag) noexcept {
    switch (http_status) {
    case 400:
        return is_billing_error(diag) ? errc::quota_exceeded : errc::bad_request;
    case 401:
        return errc::authentication_failed;
    case 403:
        return errc::permission_denied;
    case 404:
        return errc::not_found;
    case 408:
        return errc::server_error;
    case 413:
        return errc::request_too_large;
    case 429:
        return is_billing_error(diag) ? errc::quota_exceeded : errc::rate_limited;
    default:
        break;
    }
    if (http_status >= 300 && http_status < 400)
        return errc::redirect_not_followed;
    if (http_status >= 400 && http_status < 500)
        return errc::bad_request;
    if (http_status >= 500 && http_status < 600)
        return errc::server_error;
    return errc::unexpected_status;
}

} // namespace rerank::detail
