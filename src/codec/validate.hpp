// Checks of what the caller asks, made before anything is sent.
#pragma once

#include <rerank/diagnostics.hpp>
#include <rerank/dialect.hpp>
#include <rerank/error.hpp>
#include <rerank/request.hpp>

#include <string_view>

namespace rerank::detail {

/// Checks a request before it is planned or sent. Returns `errc::invalid_request` and sets
/// `diag.client_message` to the first problem found, else an empty code (diag untouched):
///  - the query is empty, there are no documents, `top_n` is 0, the model override is empty;
///  - the query, model override, instruct or a document is not valid UTF-8; the message names it
///    and the byte offset ("document 17 is not valid UTF-8 (byte offset 5)").
/// Empty documents and an empty instruct are passed through: the API decides about them.
error_code validate_request(const rerank::request& req, diagnostics& diag);

/// Checks what a dialect cannot carry, after `validate_request`: an `instruct` where the API has
/// no field for it (every dialect but the DashScope ones) is refused with
/// `errc::invalid_request` naming the dialect, never dropped. (The jina dialect refuses it too:
/// only SiliconFlow has a field, `instruction`, and only for its Qwen3 rerankers; Jina, vLLM
/// and llama.cpp have none and vLLM ignores unknown fields, so sending it would drop it
/// silently on most servers of that dialect.)
error_code check_dialect_request(rerank::dialect d, const rerank::request& req, diagnostics& diag);

/// Checks a value about to be sent in an HTTP header (API key, workspace id): CR, LF, NUL and any
/// other control character except HTAB (including DEL) would split or corrupt the header, so they
/// give `errc::invalid_request`. The message names `what` ("API key") and the byte offset but
/// never quotes the value: it may be a secret.
error_code validate_header_value(std::string_view what, std::string_view value, diagnostics& diag);

} // namespace rerank::detail
