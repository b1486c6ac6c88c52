// Serialises one HTTP request's JSON body, in either DashScope dialect.
#pragma once

#include <rerank/dialect.hpp>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace rerank::detail {

/// The content of one HTTP request. Views only: the batcher sends contiguous ranges of the
/// caller's documents without copying them. Text must already be validated UTF-8
/// (`validate_request`); it is passed through, only escaped.
struct wire_request {
    std::string_view model;
    std::string_view query;
    std::span<const std::string> documents;
    /// Sent as given when set (the server treats a value above the document count as all).
    std::optional<std::size_t> top_n;
    std::optional<std::string_view> instruct;
    /// Native dialect only; never sent in the compatible one, which has no such field.
    std::optional<bool> return_documents;
};

/// Replaces `out` with the JSON body of `req`. Unset optionals are left out, never `null`.
///  - `dialect::dashscope`:
///    `{"model":..,"query":..,"documents":[..],"top_n":n,"instruct":..}`
///  - `dialect::dashscope_native`: `{"model":..,"input":{"query":..,"documents":[..]},
///    "parameters":{"top_n":n,"return_documents":b,"instruct":..}}`, `parameters` left out when
///    none is set.
/// Reserves the body's size without escapes once; `out`'s capacity is kept, so a reused buffer
/// stops allocating after the first requests.
void encode_request(rerank::dialect d, const wire_request& req, std::string& out);

/// As `encode_request`, but appends to `out` (the client encodes right after the space it
/// keeps for the HTTP head, so head and body leave in one buffer without a copy).
void append_request(rerank::dialect d, const wire_request& req, std::string& out);

/// The exact size in bytes of what `encode_request` writes. Scans the text for characters to
/// escape, at a fraction of the cost of encoding.
std::size_t encoded_size(rerank::dialect d, const wire_request& req) noexcept;

} // namespace rerank::detail
