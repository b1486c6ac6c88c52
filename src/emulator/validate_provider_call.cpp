#include "emulator/validate_provider_call.hpp"

#include "emulator/provider_errors.hpp"

#include <algorithm>

namespace rerank::emulator::detail {
namespace {

using rerank::dialect;

bool model_served(const options& opts, dialect d, std::string_view model) {
    if (d == dialect::tei || (d == dialect::jina && model.empty()))
        return true; // TEI serves one model and takes no name; vLLM's name is optional
    return std::find(opts.models.begin(), opts.models.end(), model) != opts.models.end();
}

// What the server refuses as empty, in its words; nullopt when the inputs pass.
std::optional<api_error> refused_as_empty(dialect d, const parsed_request& call) {
    const bool no_documents = call.documents.empty();
    switch (d) {
    case dialect::tei:
        return no_documents ? std::optional(provider_empty_input(d, "texts")) : std::nullopt;
    case dialect::cohere:
        if (call.query.empty())
            return provider_empty_input(d, "query");
        return no_documents ? std::optional(provider_empty_input(d, "list of documents"))
                            : std::nullopt;
    case dialect::voyage: {
        const bool empty_string =
            call.query.empty() || std::any_of(call.documents.begin(), call.documents.end(),
                                              [](std::string_view s) { return s.empty(); });
        return no_documents || empty_string ? std::optional(provider_empty_input(d, "documents"))
                                            : std::nullopt;
    }
    case dialect::nim:
        if (call.query.empty())
            return provider_empty_input(d, "query.text");
        return no_documents ? std::optional(provider_empty_input(d, "passages")) : std::nullopt;
    default:
        return no_documents ? std::optional(provider_empty_input(d, "documents")) : std::nullopt;
    }
}

} // namespace

std::optional<api_error> validate_provider_call(const options& opts, dialect d,
                                                const parsed_request& call,
                                                const call_tokens& tokens) {
    if (!model_served(opts, d, call.model))
        return provider_model_not_found(d, call.model);
    if (auto e = refused_as_empty(d, call))
        return e;
    if (call.documents.size() > opts.max_documents)
        return provider_too_many_documents(d, call.documents.size(), opts.max_documents);
    if (opts.max_pair_tokens != 0 && !call.truncate && tokens.longest_pair > opts.max_pair_tokens)
        return provider_too_many_tokens(d, tokens.longest_pair, opts.max_pair_tokens);
    if (tokens.total > opts.max_request_tokens)
        return provider_too_many_tokens(d, tokens.total, opts.max_request_tokens);
    return std::nullopt;
}

} // namespace rerank::emulator::detail
