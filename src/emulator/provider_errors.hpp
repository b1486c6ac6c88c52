// The refusals of the dialects other than DashScope's (errors.hpp has those), in each server's
// shape and, where its source or captured answers show them, its exact wording.
#pragma once

#include "emulator/parsed_request.hpp"

#include <rerank/dialect.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace rerank::emulator::detail {

/// A wrong or missing API key: Cohere 401 `{"message":"invalid api token"}`, vLLM 401
/// `{"error":"Unauthorized"}`, Voyage 401 `{"detail":"Provided API key is invalid."}`, TEI 401
/// with no body (axum), NIM 401 `{"error":"Unauthorized"}`.
api_error provider_unauthorized(rerank::dialect d);
/// 404 for a path the server has no route for: FastAPI's `{"detail":"Not Found"}` (vLLM,
/// Voyage, NIM), axum's empty body (TEI), Cohere `{"message":"Not Found"}`.
api_error provider_path_not_found(rerank::dialect d);
/// 405 for a method other than POST, the same way.
api_error provider_method_not_allowed(rerank::dialect d);
/// A model the server does not serve (TEI never asks: it serves one).
api_error provider_model_not_found(rerank::dialect d, std::string_view model);
/// A body that is not JSON.
api_error provider_not_json(rerank::dialect d);
/// A field missing or of the wrong type (`problem` says which, e.g. "Field required"): TEI
/// answers axum's 422 text/plain rejection, NIM FastAPI's 422 `{"detail":[...]}`, the others
/// their 400.
api_error provider_bad_field(rerank::dialect d, std::string_view field, std::string_view problem);
/// A field the API does not take: only Voyage refuses them ("Argument 'top_n' is not supported
/// by our API."); the other servers ignore unknown fields and never call this.
api_error provider_unsupported_field(rerank::dialect d, std::string_view field);
/// An empty query, document list or document, where the server refuses it: TEI 400 "`texts`
/// cannot be empty" (`Empty`), Cohere "invalid request: list of documents must not be empty",
/// Voyage "Input cannot contain empty strings or empty lists", ...
api_error provider_empty_input(rerank::dialect d, std::string_view what);
/// More documents than `max` (`options::max_documents`): TEI 413 "batch size N > maximum
/// allowed batch size M" (`Validation`), the others 400 in their words.
api_error provider_too_many_documents(rerank::dialect d, std::size_t given, std::size_t max);
/// More tokens than `max`, in one (query, document) pair (`options::max_pair_tokens`) or in
/// the request (`options::max_request_tokens`): vLLM 400 "This model's maximum context length
/// is M tokens. However, you requested N tokens ...", TEI 413 "Input validation error: `inputs`
/// must have less than M tokens. Given: N", NIM 400 "Input length N exceeds maximum allowed
/// token size M", Cohere and Voyage 400 in their shapes.
api_error provider_too_many_tokens(rerank::dialect d, std::size_t given, std::size_t max);
/// 429 over the server's quota: TEI `{"error":"Model is overloaded","error_type":"Overloaded"}`
/// (its queue's back-pressure), the others a 429 in their shape.
api_error provider_throttled(rerank::dialect d);
/// 413 for a body over `options::max_body_bytes`: TEI answers axum's text/plain "Failed to
/// buffer the request body: length limit exceeded".
api_error provider_body_too_large(rerank::dialect d, std::size_t max_body_bytes);

/// The error body of `e` in dialect `d` (`e.body` when set): Cohere `{"message"}`, vLLM
/// `{"error":{"message","type","param":null,"code":status}}`, Voyage `{"detail"}`, TEI
/// `{"error","error_type"}`, NIM `{"error"}`.
std::string provider_error_body(rerank::dialect d, const api_error& e);

} // namespace rerank::emulator::detail
