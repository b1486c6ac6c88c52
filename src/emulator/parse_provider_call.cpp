#include "emulator/parse_provider_call.hpp"

#include "emulator/provider_errors.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>

namespace rerank::emulator::detail {
namespace {

namespace json = boost::json;
using rerank::dialect;

std::string_view text_view(const json::string& s) noexcept {
    return {s.data(), s.size()};
}

// Reads the fields of one JSON object, refusing in dialect `d`'s words.
class field_reader {
public:
    field_reader(dialect d, const json::object& o)
        : d_(d)
        , o_(o) {}

    // A field that is present and not null.
    const json::value* find(std::string_view key) const {
        const json::value* v = o_.if_contains(key);
        return v && !v->is_null() ? v : nullptr;
    }

    std::optional<api_error> string(std::string_view key, std::string_view& out) const {
        const json::value* v = o_.if_contains(key);
        if (!v)
            return provider_bad_field(d_, key, "Field required");
        if (!v->is_string())
            return provider_bad_field(d_, key, "Input should be a valid string");
        out = text_view(v->get_string());
        return std::nullopt;
    }

    std::optional<api_error> strings(std::string_view key,
                                     std::vector<std::string_view>& out) const {
        const json::value* v = o_.if_contains(key);
        if (!v)
            return provider_bad_field(d_, key, "Field required");
        if (!v->is_array())
            return provider_bad_field(d_, key, "Input should be a valid list");
        out.clear();
        out.reserve(v->get_array().size());
        for (const json::value& item : v->get_array()) {
            if (!item.is_string())
                return provider_bad_field(d_, key, "Input should be a list of strings");
            out.push_back(text_view(item.get_string()));
        }
        return std::nullopt;
    }

    // An optional whole number of at least `min` (3.0 is a double in JSON: refused).
    std::optional<api_error> whole(std::string_view key, std::int64_t min,
                                   std::optional<std::size_t>& out) const {
        const json::value* v = find(key);
        if (!v)
            return std::nullopt;
        // (A uint64 is above every int64, so above `min`.)
        const bool fits = (v->is_int64() && v->get_int64() >= min) || v->is_uint64();
        if (!fits)
            return provider_bad_field(
                d_, key, "Input should be an integer of at least " + std::to_string(min));
        out = v->is_int64() ? static_cast<std::size_t>(v->get_int64())
                            : static_cast<std::size_t>(v->get_uint64());
        return std::nullopt;
    }

    std::optional<api_error> boolean(std::string_view key, bool& out) const {
        const json::value* v = find(key);
        if (!v)
            return std::nullopt;
        if (!v->is_bool())
            return provider_bad_field(d_, key, "Input should be a valid boolean");
        out = v->get_bool();
        return std::nullopt;
    }

    // `{"text": "..."}`, as NIM's query and passages are.
    std::optional<api_error> text_object(std::string_view key, const json::value& v,
                                         std::string_view& out) const {
        const json::value* text = v.is_object() ? v.get_object().if_contains("text") : nullptr;
        if (!text || !text->is_string())
            return provider_bad_field(d_, key, "Input should be an object with a string 'text'");
        out = text_view(text->get_string());
        return std::nullopt;
    }

    // The query and the documents, as every dialect but NIM sends them.
    std::optional<api_error> query_and_documents(std::string_view documents_key,
                                                 parsed_request& out) const {
        if (auto e = string("query", out.query))
            return e;
        return strings(documents_key, out.documents);
    }

private:
    dialect d_;
    const json::object& o_;
};

std::optional<api_error> parse_cohere(const field_reader& r, parsed_request& out) {
    if (auto e = r.string("model", out.model))
        return e;
    if (auto e = r.query_and_documents("documents", out))
        return e;
    if (auto e = r.whole("top_n", 1, out.top_n))
        return e;
    return r.whole("max_tokens_per_doc", 1, out.max_tokens_per_doc);
}

std::optional<api_error> parse_jina(const field_reader& r, parsed_request& out) {
    if (r.find("model"))
        if (auto e = r.string("model", out.model))
            return e;
    if (auto e = r.query_and_documents("documents", out))
        return e;
    if (auto e = r.whole("top_n", 0, out.top_n))
        return e;
    if (out.top_n == 0u) // vLLM: 0 = every document
        out.top_n.reset();
    out.return_documents = true;
    if (auto e = r.boolean("return_documents", out.return_documents))
        return e;
    if (r.find("instruction")) {
        std::string_view instruction;
        if (auto e = r.string("instruction", instruction))
            return e;
        out.instruct = instruction;
    }
    if (const json::value* t = r.find("truncate_prompt_tokens")) {
        if (!t->is_int64() && !t->is_uint64())
            return provider_bad_field(dialect::jina, "truncate_prompt_tokens",
                                      "Input should be a valid integer");
        out.truncate = true;
    }
    return std::nullopt;
}

std::optional<api_error> parse_voyage(const json::object& o, const field_reader& r,
                                      parsed_request& out) {
    static constexpr std::array<std::string_view, 6> known = {
        "query", "documents", "model", "top_k", "return_documents", "truncation"};
    for (const auto& field : o)
        if (std::find(known.begin(), known.end(), std::string_view(field.key())) == known.end())
            return provider_unsupported_field(dialect::voyage, field.key());
    if (auto e = r.query_and_documents("documents", out))
        return e;
    if (auto e = r.string("model", out.model))
        return e;
    if (auto e = r.whole("top_k", 1, out.top_n))
        return e;
    if (auto e = r.boolean("return_documents", out.return_documents))
        return e;
    out.truncate = true;
    return r.boolean("truncation", out.truncate);
}

std::optional<api_error> parse_tei(const field_reader& r, parsed_request& out) {
    if (auto e = r.query_and_documents("texts", out))
        return e;
    if (auto e = r.boolean("truncate", out.truncate))
        return e;
    if (auto e = r.boolean("raw_scores", out.raw_scores))
        return e;
    return r.boolean("return_text", out.return_documents);
}

std::optional<api_error> parse_nim(const json::object& o, const field_reader& r,
                                   parsed_request& out) {
    if (auto e = r.string("model", out.model))
        return e;
    const json::value* query = o.if_contains("query");
    if (!query)
        return provider_bad_field(dialect::nim, "query", "Field required");
    if (auto e = r.text_object("query", *query, out.query))
        return e;
    const json::value* passages = o.if_contains("passages");
    if (!passages || !passages->is_array())
        return provider_bad_field(dialect::nim, "passages",
                                  passages ? "Input should be a valid list" : "Field required");
    out.documents.clear();
    out.documents.reserve(passages->get_array().size());
    for (const json::value& passage : passages->get_array()) {
        std::string_view text;
        if (auto e = r.text_object("passages", passage, text))
            return e;
        out.documents.push_back(text);
    }
    if (const json::value* t = r.find("truncate")) {
        if (!t->is_string() || (t->get_string() != "NONE" && t->get_string() != "END"))
            return provider_bad_field(dialect::nim, "truncate", "Input should be 'NONE' or 'END'");
        out.truncate = t->get_string() == "END";
    }
    return std::nullopt;
}

} // namespace

std::optional<api_error> parse_provider_call(dialect d, const json::value& body,
                                             parsed_request& out) {
    if (!body.is_object())
        return provider_bad_field(d, "body", "Input should be a valid dictionary");
    const json::object& o = body.get_object();
    const field_reader r(d, o);
    switch (d) {
    case dialect::cohere:
        return parse_cohere(r, out);
    case dialect::voyage:
        return parse_voyage(o, r, out);
    case dialect::tei:
        return parse_tei(r, out);
    case dialect::nim:
        return parse_nim(o, r, out);
    default:
        return parse_jina(r, out);
    }
}

} // namespace rerank::emulator::detail
