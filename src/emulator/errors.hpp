// The refusals the emulator sends, with DashScope's codes and messages, and their bodies; the
// other dialects' are provider_errors.hpp's, which these dispatch to.
#pragma once

#include "emulator/parsed_request.hpp"

#include <rerank/dialect.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace rerank::emulator::detail {

// Refusals whose code or message differ between the dialects (as recorded from the real API;
// dialects other than DashScope's get provider_errors.hpp's).
api_error invalid_api_key(rerank::dialect d);
api_error path_not_found(rerank::dialect d, std::string_view path);
api_error method_not_allowed(rerank::dialect d, std::string_view method);
api_error model_not_found(rerank::dialect d, std::string_view model);
/// 429 `Throttling.RateQuota` (over `options::requests_per_minute`), in both dialects.
api_error requests_throttled();
/// 429 `Throttling.AllocationQuota` (over `options::tokens_per_minute`), in both dialects.
api_error tokens_throttled();
/// 413 `BadRequest.TooLarge`.
api_error body_too_large(std::size_t max_body_bytes);
/// The 429 over the quota in dialect `d`: DashScope's `requests_throttled()` or, when the
/// tokens are over, `tokens_throttled()`; the others' `provider_throttled`.
api_error throttled(rerank::dialect d, bool tokens_exceeded);
/// The 413 for a body over `max_body_bytes` in dialect `d`.
api_error body_too_large(rerank::dialect d, std::size_t max_body_bytes);

/// The error body of dialect `d`:
/// compatible
/// `{"error":{"message","type":"invalid_request_error","param":null,"code"},"request_id"}`, native
/// `{"request_id","code","message"}`; the other dialects' `provider_error_body`. `e.body`, when
/// set, is the whole body in every dialect.
std::string error_body(rerank::dialect d, const api_error& e, std::string_view request_id);

} // namespace rerank::emulator::detail
