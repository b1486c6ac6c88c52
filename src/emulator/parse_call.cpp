#include "emulator/parse_call.hpp"

#include <boost/json.hpp>

#include <string>

namespace rerank::emulator::detail {
namespace {

namespace json = boost::json;

api_error invalid(std::string message) {
    return api_error{400, "InvalidParameter", std::move(message)};
}

std::string_view view(const json::string& s) noexcept {
    return {s.data(), s.size()};
}

// Reads a required string field; `name` is how messages call it ("input.query").
std::optional<api_error> read_string(const json::object& o, std::string_view key,
                                     std::string_view name, std::string_view& out) {
    const json::value* v = o.if_contains(key);
    if (!v || !v->is_string())
        return invalid("Required parameter '" + std::string(name) +
                       "' is missing or is not a string.");
    out = view(v->get_string());
    return std::nullopt;
}

std::optional<api_error> read_documents(const json::object& o, std::string_view name,
                                        std::vector<std::string_view>& out) {
    const json::value* v = o.if_contains("documents");
    if (!v || !v->is_array())
        return invalid("Required parameter '" + std::string(name) +
                       "' is missing or is not an array of strings.");
    const json::array& documents = v->get_array();
    out.clear();
    out.reserve(documents.size());
    for (std::size_t i = 0; i < documents.size(); ++i) {
        if (!documents[i].is_string())
            return invalid("Parameter '" + std::string(name) +
                           "' must be an array of strings; item " + std::to_string(i) +
                           " is not a string.");
        out.push_back(view(documents[i].get_string()));
    }
    return std::nullopt;
}

std::optional<api_error> read_parameters(const json::object& o, bool native, parsed_request& out) {
    if (const json::value* v = o.if_contains("top_n")) {
        // 3.0 is a double in JSON: the real API wants an integer, so refuse it too.
        const bool positive =
            (v->is_int64() && v->get_int64() >= 1) || (v->is_uint64() && v->get_uint64() >= 1);
        if (!positive)
            return invalid("Parameter 'top_n' must be a positive integer.");
        out.top_n = v->is_int64() ? static_cast<std::size_t>(v->get_int64())
                                  : static_cast<std::size_t>(v->get_uint64());
    }
    if (const json::value* v = o.if_contains("instruct")) {
        if (!v->is_string())
            return invalid("Parameter 'instruct' must be a string.");
        out.instruct = view(v->get_string());
    }
    if (native) {
        if (const json::value* v = o.if_contains("return_documents")) {
            if (!v->is_bool())
                return invalid("Parameter 'return_documents' must be a boolean.");
            out.return_documents = v->get_bool();
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<api_error> parse_call(rerank::dialect d, const json::value& body,
                                    parsed_request& out) {
    if (!body.is_object())
        return invalid("The request body must be a JSON object.");
    const json::object& root = body.get_object();
    if (auto e = read_string(root, "model", "model", out.model))
        return e;

    if (d == rerank::dialect::dashscope) {
        if (auto e = read_string(root, "query", "query", out.query))
            return e;
        if (auto e = read_documents(root, "documents", out.documents))
            return e;
        return read_parameters(root, false, out);
    }

    const json::value* input = root.if_contains("input");
    if (!input || !input->is_object())
        return invalid("Required parameter 'input' is missing or is not an object.");
    if (auto e = read_string(input->get_object(), "query", "input.query", out.query))
        return e;
    if (auto e = read_documents(input->get_object(), "input.documents", out.documents))
        return e;
    const json::value* parameters = root.if_contains("parameters");
    if (!parameters)
        return std::nullopt;
    if (!parameters->is_object())
        return invalid("Parameter 'parameters' must be an object.");
    return read_parameters(parameters->get_object(), true, out);
}

} // namespace rerank::emulator::detail
