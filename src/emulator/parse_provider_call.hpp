// Reads a rerank request of the dialects other than DashScope's (parse_call.hpp has those) the
// way each server reads it.
#pragma once

#include "emulator/parsed_request.hpp"

#include <rerank/dialect.hpp>

#include <boost/json/value.hpp>

#include <optional>

namespace rerank::emulator::detail {

/// Fills `out` from `body`, the parsed request body of dialect `d`:
/// - cohere `{"model","query","documents":[str],"top_n"?,"max_tokens_per_doc"?}`;
/// - jina (vLLM) `{"model"?,"query","documents":[str],"top_n"? (0: all),"return_documents"?
///   (default true),"truncate_prompt_tokens"?,"instruction"? (SiliconFlow)}`;
/// - voyage `{"query","documents":[str],"model","top_k"?,"return_documents"?,"truncation"?
///   (default true)}`, and nothing else: any other field is refused, as Voyage does;
/// - tei `{"query","texts":[str],"truncate"?,"raw_scores"?,"return_text"?}` (no model);
/// - nim `{"model","query":{"text"},"passages":[{"text"}],"truncate"?: "NONE"|"END"}`.
/// Checks presence and types (null = absent for optional fields); emptiness and limits are
/// `validate_call`'s job. Unknown fields are ignored except by Voyage. Returns the first
/// problem in the dialect's words; `out` then holds what was read so far. `out` views strings
/// of `body`.
std::optional<api_error> parse_provider_call(rerank::dialect d, const boost::json::value& body,
                                             parsed_request& out);

} // namespace rerank::emulator::detail
