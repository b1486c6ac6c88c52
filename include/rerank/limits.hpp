// What one request to a rerank model may hold, and what to do with an item over the per-item limit.
#pragma once

#include <rerank/dialect.hpp>

#include <cstddef>
#include <string_view>

namespace rerank {

/// What the client does with a query or document longer than `limits::max_item_tokens`.
///
/// Each API's own truncation switch follows the policy (the client sends it on every request):
///
/// | dialect | `server_truncates` | `client_truncates` | `refuse` |
/// |---|---|---|---|
/// | DashScope (both) | no switch: the server truncates | no switch | no switch |
/// | Cohere | `max_tokens_per_doc`: `max_item_tokens` | same | same |
/// | Jina-style | no switch (server's behaviour) | no switch | no switch |
/// | Voyage | `truncation: true` | `truncation: true` | `truncation: false` |
/// | TEI | `truncate: true` | `truncate: true` | `truncate: false` |
/// | NIM | `truncate: "END"` | `truncate: "END"` | `truncate: "NONE"` |
///
/// Under `refuse` the server is told not to truncate either, so an item the client's count let
/// through but the server finds too long is an error, never a silently cut ranking. Cohere has no
/// "refuse" switch: `max_tokens_per_doc` is what its server truncates documents to (its default
/// is 4,096, https://docs.cohere.com/reference/rerank).
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
    /// The same as `for_model(dialect::dashscope, model)`.
    static limits for_model(std::string_view model) noexcept;

    /// The documented limits of `model` as served in dialect `d`. Where a provider documents no
    /// cap, the field is `no_token_cap` (tokens) and the server's own refusal ("too large",
    /// halved and retried by the batcher) is the limit. Token caps are in the model's own
    /// tokens; the client counts them with the Qwen3 tokenizer for Qwen3 models and with UTF-8
    /// bytes, a proven upper bound, for any other (`uses_qwen3_tokenizer`).
    /// - `dashscope`, `dashscope_native`: `for_model(model)`.
    /// - `cohere`: 1,000 documents (the documented recommendation; up to 10,000 accepted),
    ///   4,096 tokens per item (`max_tokens_per_doc`'s default), no request token cap
    ///   (https://docs.cohere.com/reference/rerank,
    ///   https://docs.cohere.com/docs/reranking-best-practices).
    /// - `jina` (Jina, vLLM, llama.cpp, SiliconFlow, Infinity): 1,000 documents (none of these
    ///   servers documents a count cap; 1,000 keeps one body of ordinary documents well under
    ///   the 16 MiB body cap and each sub-request's latency bounded), no request token cap
    ///   (vLLM and llama.cpp bound each (query, document) pair by the model's context, not the
    ///   request), no per-item cap (each server's model context differs; the server truncates
    ///   or refuses, per its own settings).
    /// - `voyage`: 1,000 documents; total tokens (query × documents + documents) 600,000 for
    ///   `rerank-2.5`, `rerank-2.5-lite`, `rerank-2`, `rerank-2-lite` (or `rerank-lite-2`),
    ///   300,000 for `rerank-1` and `rerank-lite-1`; per item the (query + document) context:
    ///   32,000, 32,000, 16,000, 8,000, 8,000, 4,000; an unknown model gets rerank-2.5's
    ///   (https://docs.voyageai.com/reference/reranker-api).
    /// - `tei`: 32 documents (the server's `--max-client-batch-size` default; set
    ///   `client_options::limits` when the server was started with another), 2,000,000 body
    ///   bytes (its `--payload-limit` default), no token caps (the model's own, per pair)
    ///   (https://huggingface.co/docs/text-embeddings-inference/cli_arguments).
    /// - `nim`: 512 passages, no token caps (each pair is bounded by the model; `truncate`)
    ///   (https://docs.nvidia.com/nim/nemo-retriever/text-reranking/latest/using-reranking.html).
    /// Margin and policy keep their defaults.
    static limits for_model(rerank::dialect d, std::string_view model) noexcept;

    /// "No documented cap": 2^40 tokens, far above anything a request can hold, yet small
    /// enough that the planner's products (query tokens × documents) cannot overflow.
    static constexpr std::size_t no_token_cap = std::size_t(1) << 40;
};

/// Whether the client counts `model`'s tokens with the Qwen3 tokenizer (exactly): DashScope's
/// models (any name in the `dashscope` dialects), and in every dialect any name holding
/// `qwen3` (`Qwen/Qwen3-Reranker-0.6B`, `qwen3-rerank`) or `gte-rerank`, case-insensitive.
/// Every other model is counted in UTF-8 bytes of its text, an upper bound of its tokens (see
/// `utf8_byte_token_counter` in batch_plan.hpp).
bool uses_qwen3_tokenizer(rerank::dialect d, std::string_view model) noexcept;

/// Whether `model` is known to score listwise: its scores depend on which documents share the
/// request, so scores from split sub-requests are not comparable and merging them by score is
/// not valid. The table (case-insensitive substrings of the model name): `jina-reranker-v3`
/// (https://arxiv.org/abs/2509.25085: "causal attention between the query and all candidate
/// documents in the same context window"), and the generative listwise rerankers
/// `rank_zephyr` / `rank-zephyr` and `rank_vicuna` / `rank-vicuna` (RankZephyr, RankVicuna),
/// `first-mistral` / `first_mistral` (FIRST). A call for such a model that does not fit one
/// request fails with `errc::invalid_request` unless `client_options::split_listwise` is set.
bool scores_listwise(std::string_view model) noexcept;

} // namespace rerank
