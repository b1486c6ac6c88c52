// Serialises one HTTP request's JSON body, in any dialect (shapes in dialect_wire.hpp).
#pragma once

#include <rerank/dialect.hpp>
#include <rerank/limits.hpp>

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
    /// Sent as given when set (the server treats a value above the document count as all), as
    /// `top_n` or Voyage's `top_k`; never sent where the API has no such field (TEI, NIM: the
    /// client cuts the ranking itself).
    std::optional<std::size_t> top_n;
    /// Sent as `instruct` where the API has the field (DashScope); `check_dialect_request`
    /// refuses it elsewhere before anything is encoded, so the encoder never drops it silently.
    std::optional<std::string_view> instruct;
    /// Sent as given where the API has the field (DashScope native, Jina-style, Voyage
    /// `return_documents`, TEI `return_text`); unset means `false` in the dialects where we ask
    /// the server not to echo (all but DashScope native, where the server's default is false).
    std::optional<bool> return_documents;
    /// Chooses each API's truncation switch (limits.hpp has the table).
    oversized_item_policy oversized = oversized_item_policy::server_truncates;
    /// Cohere's `max_tokens_per_doc`; not sent when `limits::no_token_cap` or above.
    std::size_t max_item_tokens = 4096;
};

/// Replaces `out` with the JSON body of `req`. Unset optionals are left out, never `null`.
///  - `dialect::dashscope`:
///    `{"model":..,"query":..,"documents":[..],"top_n":n,"instruct":..}`
///  - `dialect::dashscope_native`: `{"model":..,"input":{"query":..,"documents":[..]},
///    "parameters":{"top_n":n,"return_documents":b,"instruct":..}}`, `parameters` left out when
///    none is set.
///  - `dialect::cohere`: `{"model","query","documents","top_n","max_tokens_per_doc"}`
///  - `dialect::jina`: `{"model","query","documents","top_n","return_documents":false}`
///  - `dialect::voyage`: `{"model","query","documents","top_k","return_documents":false,
///    "truncation":b}`
///  - `dialect::tei`: `{"query","texts","return_text":false,"truncate":b}` (no model, no top_n)
///  - `dialect::nim`: `{"model","query":{"text"},"passages":[{"text"},..],"truncate":"END"}`
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
