// The limits a well-formed request of the dialects other than DashScope's must also respect
// (validate_call.hpp has DashScope's), checked in each server's order.
#pragma once

#include "emulator/parsed_request.hpp"
#include "emulator/validate_call.hpp"

#include <rerank/dialect.hpp>
#include <rerank/emulator/options.hpp>

#include <optional>

namespace rerank::emulator::detail {

/// Checks, in this order: the model is one of `opts.models` (TEI takes none; vLLM's is
/// optional), the inputs are not empty where `d`'s server refuses that (TEI and Cohere an empty
/// list, Voyage any empty string too, ...), at most `opts.max_documents` documents, no pair
/// over `opts.max_pair_tokens` unless the request lets the server truncate, at most
/// `opts.max_request_tokens` tokens. Each refusal is `d`'s (provider_errors.hpp).
std::optional<api_error> validate_provider_call(const options& opts, rerank::dialect d,
                                                const parsed_request& call,
                                                const call_tokens& tokens);

} // namespace rerank::emulator::detail
