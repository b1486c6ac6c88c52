#include "emulator/evaluate.hpp"

#include "emulator/errors.hpp"
#include "emulator/parse_call.hpp"
#include "emulator/parse_provider_call.hpp"
#include "emulator/provider_errors.hpp"
#include "emulator/routes.hpp"
#include "emulator/validate_call.hpp"
#include "emulator/validate_provider_call.hpp"

#include <boost/json/parse.hpp>

namespace rerank::emulator::detail {

bool authorized(std::string_view api_key, std::optional<std::string_view> authorization) noexcept {
    if (api_key.empty())
        return true;
    if (!authorization)
        return false;
    constexpr std::string_view scheme = "bearer ";
    std::string_view value = *authorization;
    if (value.size() < scheme.size())
        return false;
    for (std::size_t i = 0; i < scheme.size(); ++i) {
        char c = value[i];
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        if (c != scheme[i])
            return false;
    }
    return value.substr(scheme.size()) == api_key;
}

namespace {

std::optional<api_error> parse_body(rerank::dialect d, const boost::json::value& body,
                                    parsed_request& out) {
    return is_dashscope(d) ? parse_call(d, body, out) : parse_provider_call(d, body, out);
}

api_error not_json(rerank::dialect d) {
    return is_dashscope(d)
               ? api_error{400, "InvalidParameter", "The request body is not valid JSON."}
               : provider_not_json(d);
}

} // namespace

void evaluate(const options& opts, const request_view& request, evaluation& out) {
    const rerank::dialect served = served_dialect(opts.dialect);
    out.route = route(served, request.target);
    out.dialect = error_dialect_of(served, request.target);

    // The body is parsed even when the request is refused for another reason, so that fault
    // hooks see its query and document count.
    std::optional<api_error> parse_error;
    if (out.route && request.method == "POST") {
        boost::system::error_code ec;
        out.json = boost::json::parse(request.body, ec);
        if (ec) {
            out.json = nullptr;
            parse_error = not_json(*out.route);
        } else {
            parse_error = parse_body(*out.route, out.json, out.call);
            out.call_parsed = !parse_error;
        }
    }

    if (!out.route)
        out.error = path_not_found(out.dialect, path_of(request.target));
    else if (request.method != "POST")
        out.error = method_not_allowed(out.dialect, request.method);
    else if (!authorized(opts.api_key, request.authorization))
        out.error = invalid_api_key(out.dialect);
    else if (parse_error)
        out.error = std::move(parse_error);

    if (out.call_parsed) {
        const call_tokens tally = count_call(opts, out.dialect, out.call);
        out.tokens = tally.total;
        if (!out.error)
            out.error = is_dashscope(out.dialect)
                            ? validate_call(opts, out.dialect, out.call, out.tokens)
                            : validate_provider_call(opts, out.dialect, out.call, tally);
    }
}

} // namespace rerank::emulator::detail
