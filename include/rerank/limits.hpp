// What one request to a rerank model may hold, and what to do with an item over the per-item limit.
#pragma once

#include <cstddef>
#include <string_view>

namespace rerank {

/// What the client does with a query or document longer than `limits::max_item_tokens`.
enum class oversized_item_policy {
    /// Default. Send the item whole and let the server truncate it (DashScope does so silently and
    /// ranks the truncated text). The planner counts such an item as `max_item_tokens` tokens.
    server_truncates,
    /// The client cuts the item itself to at most `max_item_tokens` tokens, at a UTF-8 boundary,
    /// before sending it (smaller bodies; same ranking as `server_truncates` when the client's
    /// tokenizer matches the server's). The full text is still what results point to.
    client_truncates,
    /// An item over `max_item_tokens` fails the call with `errc::invalid_request`, naming it.
    refuse,
};

/// The per-request limits of one model, used to split a call into sub-requests.
///
/// A request's token cost is counted the way DashScope does:
/// `query_tokens × number_of_documents + Σ document_tokens`, where each item (query or document)
/// counts at most `max_item_tokens` and `query_tokens` includes the `instruct` text (the
/// documentation does not say whether it counts; counting it is the safe side).
struct limits {
    /// Most documents in one request. Default 500 (DashScope answers 400 beyond it).
    std::size_t max_documents = 500;
    /// Most tokens in one request, counted as above. Default 120,000 (qwen3-rerank);
    /// 30,000 for gte-rerank-v2. Unit: Qwen3 tokens.
    std::size_t max_request_tokens = 120000;
    /// Most tokens of one query or document; the server truncates longer items silently.
    /// Default 4,000. Unit: Qwen3 tokens.
    std::size_t max_item_tokens = 4000;
    /// Most bytes of one request body; the planner keeps every sub-request's JSON body at or
    /// under it. Default 16 MiB (DashScope answers 413 beyond it). Unit: bytes.
    std::size_t max_body_bytes = std::size_t(16) << 20;
    /// Fraction of `max_request_tokens` kept free, for the difference between the client's count
    /// and the server's. Default 0.02. Must be in [0, 1). The planner uses
    /// `request_token_budget()` = floor(max_request_tokens × (1 − safety_margin)) tokens.
    double safety_margin = 0.02;
    /// What to do with items over `max_item_tokens`. Default `server_truncates`.
    oversized_item_policy oversized_items = oversized_item_policy::server_truncates;

    /// Tokens one request may use: floor(max_request_tokens × (1 − safety_margin)), i.e.
    /// `max_request_tokens − ceil(max_request_tokens × safety_margin)`, ignoring floating-point
    /// noise (120,000 at 0.02 → 117,600; 30,000 at 0.02 → 29,400).
    std::size_t request_token_budget() const noexcept;

    /// The documented limits of a model by name:
    /// - `qwen3-rerank`: 500 documents, 120,000 tokens, 4,000 per item;
    /// - `gte-rerank-v2` and `gte-rerank`: 500 documents, 30,000 tokens, 4,000 per item;
    /// - `qwen3-vl-rerank` (text documents): 100 documents, 120,000 tokens, 8,000 per item;
    /// - any other name: the qwen3-rerank values.
    /// Body size, margin and policy keep their defaults.
    static limits for_model(std::string_view model) noexcept;
};

} // namespace rerank
