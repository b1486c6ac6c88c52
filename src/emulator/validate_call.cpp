#include "emulator/validate_call.hpp"

#include "emulator/errors.hpp"

#include <algorithm>
#include <string>

namespace rerank::emulator::detail {

namespace {

// Cohere v2's `max_tokens_per_doc` when the request sends none.
constexpr std::size_t cohere_tokens_per_doc = 4096;

} // namespace

std::size_t request_tokens(const options& opts, const parsed_request& call) {
    return count_call(opts, rerank::dialect::dashscope, call).total;
}

call_tokens count_call(const options& opts, rerank::dialect d, const parsed_request& call) {
    const auto count = [&](std::string_view text) {
        return opts.count_tokens ? opts.count_tokens(text) : exact_token_count(text);
    };
    std::size_t query = count(call.query);
    if (call.instruct)
        query += count(*call.instruct);
    query = std::min(query, opts.max_item_tokens);
    std::size_t document_cap = opts.max_item_tokens;
    if (d == rerank::dialect::cohere)
        document_cap =
            std::min(document_cap, call.max_tokens_per_doc.value_or(cohere_tokens_per_doc));
    const std::size_t pair_cap = opts.max_pair_tokens;

    call_tokens tally;
    tally.total = query * call.documents.size();
    for (std::string_view document : call.documents) {
        std::size_t tokens = std::min(count(document), document_cap);
        tally.longest_pair = std::max(tally.longest_pair, query + tokens);
        if (pair_cap != 0 && call.truncate && query + tokens > pair_cap)
            tokens = pair_cap > query ? pair_cap - query : 0;
        tally.total += tokens;
    }
    return tally;
}

std::optional<api_error> validate_call(const options& opts, rerank::dialect d,
                                       const parsed_request& call, std::size_t tokens) {
    if (std::find(opts.models.begin(), opts.models.end(), call.model) == opts.models.end())
        return model_not_found(d, call.model);
    if (call.query.empty())
        return api_error{400, "BadRequest.EmptyInput", "Required parameter 'query' is empty."};
    if (call.documents.empty())
        return api_error{400, "BadRequest.EmptyInput", "Required parameter 'documents' is empty."};
    if (call.documents.size() > opts.max_documents)
        return api_error{400, "InvalidParameter",
                         "batch size of documents is invalid, it should not be larger than " +
                             std::to_string(opts.max_documents) + "."};
    if (tokens > opts.max_request_tokens)
        return api_error{400, "InvalidParameter",
                         "Range of input length should be [1, " +
                             std::to_string(opts.max_request_tokens) + "], but this request has " +
                             std::to_string(tokens) +
                             " tokens (query tokens x documents + document tokens)."};
    return std::nullopt;
}

} // namespace rerank::emulator::detail
