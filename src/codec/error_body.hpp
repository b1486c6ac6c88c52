// What a non-2xx answer said, and what the client should make of it (dashscope.md §4).
#pragma once

#include <rerank/diagnostics.hpp>
#include <rerank/dialect.hpp>
#include <rerank/error.hpp>

#include <string_view>

namespace rerank::detail {

/// Sets `diag.http_status` and, from the body, `provider_code`, `provider_message` and
/// `request_id`. Understands both error shapes:
///  - compatible `{"error":{"message","type","param","code"},"request_id"}` (the code falls back
///    to `type` when `code` is null or absent, as in OpenAI-style errors);
///  - native `{"request_id","code","message"}`;
///  - Cohere `{"message"}` (also `{"id","message"}`);
///  - TEI `{"error":"text","error_type":"Validation"}` (`error_type` is the code);
///  - vLLM `{"error":{"message","type","param","code":400}}` (an integer code, shown as text);
///  - FastAPI `{"detail":"text"}` or `{"detail":[{"loc","msg","type"},...]}` (Jina-style
///    servers and gateways; the `msg` of the first three items joined by "; ");
/// and tolerates `{"code","message"}`, `{"message"}`, `{"error":"text"}`, numeric codes, `id`
/// for `request_id`. A body that is not JSON (a gateway's HTML, empty, truncated), or JSON with
/// none of these fields, leaves the provider fields empty and sets `diag.body_snippet` to its
/// start (see `make_body_snippet`). Fields the body does not carry are left as they were (a
/// request id from a header stays).
void decode_error_body(unsigned http_status, std::string_view body, diagnostics& diag);

/// Whether the provider's code or message say billing (arrears, prepaid bill overdue, product
/// not purchased, `insufficient_quota`, free quota used up) rather than throttling. A
/// `Throttling*` code is never billing.
bool is_billing_error(const diagnostics& diag) noexcept;

/// Whether a 4xx answer's message says the request was over the server's limits (so the batcher
/// may halve it), in the wording of dialect `d`'s servers; case-insensitive. One phrase list per
/// dialect (error_body.cpp), to extend as servers' wordings are met:
///  - DashScope: "input length", "batch size", "too large", "too long";
///  - Cohere: "too many documents", "too many tokens", "too long";
///  - Jina-style: vLLM "maximum context length", llama.cpp "too large" (input too large to
///    process), "too many", "exceeds";
///  - Voyage: "max allowed tokens", "cannot exceed", "too many";
///  - TEI: "maximum allowed batch size" (413, `batch size N > maximum allowed batch size M`),
///    "must have less than" (`inputs must have less than N tokens`), "payload too large";
///  - NIM: "exceeds", "too many", "maximum".
/// A 413 is too large in every dialect whatever it says (`classify_status`).
bool says_too_large(rerank::dialect d, const diagnostics& diag) noexcept;

/// The error class of a non-2xx answer (dashscope.md §4):
/// 3xx redirect_not_followed; 400 bad_request, or quota_exceeded for billing codes; 401
/// authentication_failed; 403 permission_denied; 404 not_found; 408 server_error; 413
/// request_too_large; 429 rate_limited (Throttling*, unknown codes), or
/// quota_exceeded for billing; other 4xx (422...) bad_request; 5xx server_error; anything else
/// (1xx, 2xx, >= 600) unexpected_status.
rerank::errc classify_status(unsigned http_status, const diagnostics& diag) noexcept;

} // namespace rerank::detail
