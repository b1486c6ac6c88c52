// Splitting one rerank call into sub-requests that each fit a model's limits.
#pragma once

#include <rerank/diagnostics.hpp>
#include <rerank/error.hpp>
#include <rerank/limits.hpp>
#include <rerank/request.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace rerank {

/// How the planner counts tokens. Pluggable, so that planning can be tested without the real
/// Qwen3 tokenizer and so that callers can bring their own.
struct token_counter {
    /// The exact token count of a text (the Qwen3 tokenizer, no special tokens added). Required.
    std::function<std::size_t(std::string_view)> exact;
    /// A cheap, PROVEN upper bound: never below `exact` for any text (for Qwen3's byte-level BPE,
    /// the UTF-8 size of the NFC text is one; raw bytes are not, NFC can lengthen text).
    /// Optional: when empty, every item is counted exactly.
    std::function<std::size_t(std::string_view)> upper_bound;
    /// An even cheaper PROVEN upper bound, tried first on the whole request: when it shows the
    /// request within every limit as it is, the plan is one request and nothing else is counted
    /// (for Qwen3: the byte size of ASCII text, 3x the byte size otherwise, since NFC at most
    /// triples UTF-8). Optional: when empty, planning starts from `upper_bound`.
    std::function<std::size_t(std::string_view)> quick_bound;
    /// For `oversized_item_policy::client_truncates`: the byte length of a prefix of `text` that
    /// ends at a UTF-8 character boundary and has at most `max_tokens` tokens (the longest such
    /// prefix, ideally). Optional: when empty, the planner binary-searches prefix lengths with
    /// `exact` (O(log bytes) counts of the item).
    std::function<std::size_t(std::string_view text, std::size_t max_tokens)> prefix_bytes;
};

/// The counter of the Qwen3 models: `qwen3_tokenizer::builtin()` for exact counts and prefixes
/// (the vocabulary loads on the first exact count), `qwen3_token_upper_bound` as the bound.
token_counter qwen3_token_counter();

/// The counter of every model whose tokenizer the library does not have: a text's UTF-8 byte
/// count, used as its "exact" count (so limits are never exceeded, at the cost of smaller
/// sub-requests than needed). Why bytes bound tokens (see byte_counter.cpp for the argument):
/// every token a byte-level BPE, a SentencePiece or Unigram model with byte fallback, a
/// WordPiece or a character-level tokenizer emits for a text covers at least one byte of that
/// text, and tokens do not overlap, so there are at most as many tokens as bytes.
token_counter utf8_byte_token_counter();

/// A contiguous range of the caller's documents: `request::documents[first, first + count)`.
struct batch {
    std::size_t first = 0; ///< index of the first document in `request::documents`
    std::size_t count = 0; ///< how many documents follow from `first`

    /// Equal when both ranges are the same.
    friend bool operator==(const batch&, const batch&) = default;
};

/// The sub-requests of one call, as planned by `plan_batches`.
struct batch_plan {
    /// The sub-requests, in document order, covering every document exactly once.
    std::vector<batch> batches;
    /// Each sub-request's tokens by the API's formula (`query_tokens × documents + Σ
    /// document_tokens`), one entry per batch, as the planner counted them: exact where it
    /// needed exact counts, otherwise its upper bounds (never below the exact count). What the
    /// pacer charges against `rate_limit_options::tokens_per_minute`.
    std::vector<std::uint64_t> batch_tokens;
    /// The query's tokens as the plan counted them: min(query, max_item_tokens) + instruct.
    /// Exact when the plan needed it exact, otherwise the counter's upper bound.
    std::size_t query_tokens = 0;
    /// Whether `query_tokens` is an exact count.
    bool query_tokens_exact = false;
    /// `client_truncates` only: bytes of the query to send (a UTF-8-boundary prefix length), or
    /// unset when the query is sent whole.
    std::optional<std::size_t> query_bytes;
    /// `client_truncates` only: per document, the bytes of it to send. Empty when no document is
    /// truncated (the usual case: no per-document memory); otherwise one entry per document,
    /// equal to the document's size for those sent whole.
    std::vector<std::size_t> document_bytes;

    /// Whether the call goes out as one request.
    bool single_request() const noexcept { return batches.size() == 1; }

    /// The query text to send: `req.query`, or its prefix under `client_truncates`.
    std::string_view query_text(const request& req) const noexcept {
        std::string_view q = req.query;
        return query_bytes ? q.substr(0, *query_bytes) : q;
    }

    /// The text of document `index` to send: the whole document, or its prefix under
    /// `client_truncates`. A view into `req.documents[index]`; nothing is copied.
    std::string_view document_text(const request& req, std::size_t index) const noexcept {
        std::string_view d = req.documents[index];
        return document_bytes.empty() ? d : d.substr(0, document_bytes[index]);
    }
};

/// Plans the sub-requests of `req` under `lim`. Pure: no I/O, no copies of texts.
///
/// Every planned sub-request has at most `lim.max_documents` documents, a token cost (see
/// `limits`) of at most `lim.request_token_budget()` under EXACT counts, and a JSON body of at
/// most `lim.max_body_bytes` (bounded assuming the encoder writes UTF-8 as is and escapes a byte
/// into at most 6 bytes, as Boost.JSON does). The batches keep the documents' order and are
/// as few as any order-keeping split allows: each is filled greedily, which is optimal because
/// every limit is monotone (a sub-range of a range that fits also fits), so after k batches
/// the greedy split has covered at least as many documents as any other split into k.
///
/// Counting: upper bounds first, exact counts only where a bound cannot settle a decision.
/// A document enters the current batch when it fits with the current (bounded) costs; when it
/// does not, the planner counts exactly — the query first (it weighs once per document), then
/// the candidate, then the batch's documents in order — until it fits or every cost involved is
/// exact; only then is the batch closed. So a call that fits by its upper bounds is one request
/// with no exact count at all; batches closed by the document cap or the body cap need no
/// exact count; a batch closed by the token budget has been counted exactly. No text is
/// counted exactly twice. Body sizes work the same way, with 6 bytes per byte as the bound.
/// Under `refuse` and `client_truncates`, an item whose upper bound exceeds
/// `max_item_tokens` is counted exactly (to refuse or cut it).
///
/// Errors (`errc::invalid_request`, `diag.client_message` says which item and why):
/// no documents; unusable limits (zero caps, margin outside [0, 1)); `counter.exact` empty;
/// under `refuse`, an item over `max_item_tokens`; a document that cannot fit any request
/// with the query (tokens or body bytes). On error `out` is left cleared.
error_code plan_batches(const request& req, const limits& lim, const token_counter& counter,
                        batch_plan& out, diagnostics& diag);

/// Halves a batch that the server still refused as too large: the first half gets
/// `count / 2` documents, the second the rest. Unset when `b.count < 2` (nothing to split).
inline std::optional<std::pair<batch, batch>> split_batch(batch b) noexcept {
    if (b.count < 2)
        return std::nullopt;
    const std::size_t half = b.count / 2;
    return std::pair<batch, batch>{batch{b.first, half}, batch{b.first + half, b.count - half}};
}

/// The `top_n` to send with one sub-request when the caller asked for `top_n` overall:
/// min(top_n, b.count) — each sub-request's best `top_n` contain every document of the
/// global best `top_n` that lies in its range. Unset (all results) when `top_n` is unset.
inline std::optional<std::size_t> sub_request_top_n(std::optional<std::size_t> top_n,
                                                    batch b) noexcept {
    if (!top_n)
        return std::nullopt;
    return *top_n < b.count ? *top_n : b.count;
}

} // namespace rerank
