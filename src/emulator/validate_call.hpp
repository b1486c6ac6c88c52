// The limits a well-formed rerank request must also respect, and its token count.
#pragma once

#include "emulator/parsed_request.hpp"

#include <rerank/dialect.hpp>
#include <rerank/emulator/options.hpp>

#include <cstddef>
#include <optional>

namespace rerank::emulator::detail {

/// The request's tokens as DashScope counts them against its budget and reports in
/// `usage.total_tokens`: `query_tokens × documents + Σ document_tokens`, where the query's
/// tokens include `instruct` when one is sent (conservatively: the docs do not say) and every
/// item counts at most `opts.max_item_tokens` (the service truncates longer ones silently).
/// Uses `opts.count_tokens`, or `exact_token_count` when that is empty.
std::size_t request_tokens(const options& opts, const parsed_request& call);

/// A request's tokens in dialect `d`.
struct call_tokens {
    /// As `request_tokens` counts them, with `d`'s truncation: Cohere's documents count at most
    /// `max_tokens_per_doc` (default 4,096), and a pair over `opts.max_pair_tokens` counts
    /// that many when the request lets the server truncate.
    std::size_t total = 0;
    /// The longest (query, document) pair before any truncation by the pair limit, for
    /// `opts.max_pair_tokens`.
    std::size_t longest_pair = 0;
};

/// `request_tokens`, in dialect `d` (the same for DashScope's).
call_tokens count_call(const options& opts, rerank::dialect d, const parsed_request& call);

/// Checks, in this order: the model is one of `opts.models` (404), the query and the documents
/// are not empty (400 `BadRequest.EmptyInput`), at most `opts.max_documents` documents and
/// `opts.max_request_tokens` tokens (400 `InvalidParameter`, with the real service's wording).
/// `tokens` is `request_tokens(opts, call)`.
std::optional<api_error> validate_call(const options& opts, rerank::dialect d,
                                       const parsed_request& call, std::size_t tokens);

} // namespace rerank::emulator::detail
