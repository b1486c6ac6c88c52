// Merging the answers of a call's sub-requests into one ranking.
#pragma once

#include <rerank/batch_plan.hpp>
#include <rerank/diagnostics.hpp>
#include <rerank/dialect.hpp>
#include <rerank/error.hpp>
#include <rerank/request.hpp>
#include <rerank/response.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rerank::batching {

/// One result of a sub-request, as its decoder read it.
struct sub_result {
    /// Position of the document in the sub-request's `documents` (0 .. range.count - 1).
    std::size_t index_in_batch = 0;
    /// Finite (the decoder refuses others).
    double relevance_score = 0;
};

/// The decoded answer of one sub-request.
struct sub_response {
    /// The caller's documents the sub-request carried.
    batch range;
    std::string request_id;
    std::string model;
    std::vector<sub_result> results;
    std::uint64_t total_tokens = 0;
};

/// Merges the sub-responses of one call into `out` (overwritten).
///
/// Scores from separate sub-requests are compared directly: qwen3-rerank (like the open
/// Qwen3-Reranker) scores each (instruct, query, document) on its own, so they are comparable
/// as long as every sub-request sends the same query, instruct and model. DashScope itself
/// promises only the order within one request; the public documentation says so.
///
/// - each result's index becomes the caller's, `range.first + index_in_batch`, and its
///   `document` a view of `req.documents[index]` (the caller's full text, even when a prefix
///   was sent);
/// - results are ordered by score descending, then index ascending, and cut to `top_n` once,
///   globally (selection, then a sort of the kept ones: O(total + top_n log top_n));
/// - `request_ids` keep every sub-request's id in document-range order, `id` is the first of
///   them, `model` the first sub-response's, `usage.total_tokens` the sum, and `requests` the
///   number of sub-responses.
/// `parts` may come in any order (they are sorted by range). Their ranges must lie within
/// `req.documents` and not overlap (asserted: the executor's duty).
///
/// Errors: `errc::bad_response` when a sub-response names an index outside its range, or a
/// document twice (`diag.client_message` and `diag.request_id` say which).
error_code merge_responses(const request& req, std::vector<sub_response>&& parts,
                           std::optional<std::size_t> top_n, response& out, diagnostics& diag);

} // namespace rerank::batching
