// Limits a server states when it refuses a request as too large, and the table of limits a
// client has learned that way (issue #12: documented limits drift, and gateways add their own).
#pragma once

#include <rerank/limits.hpp>

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace rerank::batching {

/// What a refusal said about the server's limits. Unset: the refusal did not say.
struct stated_limits {
    /// Most documents per request.
    std::optional<std::size_t> max_documents;
    /// Most tokens per request, by the server's count (`query × documents + Σ documents`).
    std::optional<std::size_t> max_request_tokens;

    /// Whether the refusal stated anything.
    bool any() const noexcept { return max_documents || max_request_tokens; }
};

/// Reads the limit out of a "too large" refusal's message, in the wordings servers use:
///  - DashScope tokens: "Range of input length should be [1, 30000]" → 30,000 tokens;
///  - DashScope documents: "batch size of documents is invalid, it should not be (empty or)
///    larger than 500" → 500 documents;
///  - text-embeddings-inference: "batch size 64 > maximum allowed batch size 32" → 32 documents;
///  - "at most N documents", "no more than N documents", "maximum of N documents", "not exceed
///    N documents" (also "passages", "texts", "items"; gateways' validation messages) → N;
///  - in a message about documents or passages and not tokens, the number after "the maximum
///    is", "maximum of" or "maximum allowed" ("The number of documents 4 exceeds the maximum of
///    2", "Too many documents: 4 > maximum allowed 2") → that many documents;
///  - "the request has N tokens, more than the maximum of M" → M tokens per request.
/// A number of 0, or one that does not fit `std::size_t`, is no statement. A per-(query,
/// document) context length (vLLM's "maximum context length is N tokens") is not a request cap
/// (splitting cannot help it) and is not read.
stated_limits parse_stated_limits(std::string_view message) noexcept;

/// Lowers `lim` to what `stated` says, where it says less; true when anything changed.
bool lower_to(limits& lim, const stated_limits& stated) noexcept;

/// Limits learned from a server's refusals, per model. The lowest statement wins and is kept
/// for the table's life (a client's). Thread-safe: calls plan on the client's strand, and
/// `client::learned_limits` reads from any thread.
class learned_limits_table {
public:
    /// Records what a refusal for `model` stated; true when it lowered what was known.
    bool learn(std::string_view model, const stated_limits& stated);

    /// `lim` lowered to what was learned for `model`; the second member says whether anything
    /// learned applied.
    std::pair<limits, bool> apply(std::string_view model, limits lim) const;

    /// What was learned for `model` (nothing set when nothing was).
    stated_limits find(std::string_view model) const;

    /// How many models have learned limits.
    std::size_t size() const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, stated_limits, std::less<>> by_model_;
};

/// "30,000 tokens per request and 100 documents" (the parts that are set).
std::string describe(const stated_limits& stated);

} // namespace rerank::batching
