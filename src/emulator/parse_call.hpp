// Reads a rerank request's fields out of its JSON body, per dialect.
#pragma once

#include "emulator/parsed_request.hpp"

#include <rerank/dialect.hpp>

#include <boost/json/value.hpp>

#include <optional>

namespace rerank::emulator::detail {

/// Fills `out` from `body`, the parsed request body of dialect `d`:
/// compatible `{"model", "query", "documents", "top_n"?, "instruct"?}`, native
/// `{"model", "input": {"query", "documents"}, "parameters"?: {"top_n"?, "return_documents"?,
/// "instruct"?}}`. Checks presence and types only (`top_n` must also be >= 1); emptiness and
/// limits are `validate_call`'s job. Unknown fields are ignored, as the real API does.
/// Returns the first problem as a 400 `InvalidParameter`; `out` then holds what was read so far.
/// `out` views strings of `body`.
std::optional<api_error> parse_call(rerank::dialect d, const boost::json::value& body,
                                    parsed_request& out);

} // namespace rerank::emulator::detail
