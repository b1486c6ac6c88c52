// What the rerank API answered.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rerank {

/// What a `result::relevance_score` measures, which decides how scores may be read and compared.
/// Set from the dialect: scores from different kinds (or different providers) are never
/// comparable, and the client never merges them.
enum class score_kind {
    /// A relevance in [0, 1] (a sigmoid or softmax of the model's output): DashScope, Cohere,
    /// Jina-style servers, Voyage, and TEI (whose `raw_scores` the client never asks for).
    probability,
    /// The model's raw output, any finite real, higher is more relevant: NVIDIA NIM's `logit`.
    /// Apply a sigmoid to get a probability for pointwise cross-encoders.
    logit,
};

/// "probability" or "logit".
constexpr std::string_view to_string(score_kind k) noexcept {
    return k == score_kind::logit ? "logit" : "probability";
}

/// One ranked document.
struct result {
    /// Position of the document in `request::documents`.
    std::size_t index = 0;
    /// The model's relevance score as the provider sent it, finite; higher is more relevant.
    /// Its scale is `response::score_kind`. Scores are comparable within one call (DashScope
    /// promises only the order within one request).
    double relevance_score = 0;
    /// The caller's own text of the document (a view into `request::documents[index]`: valid
    /// while that string lives unchanged). Never taken from the server's echo.
    std::string_view document;

    /// Equal when index, score and document view are.
    friend bool operator==(const result&, const result&) = default;
};

/// Token usage as the server reported it.
struct usage {
    /// `usage.total_tokens` (or `usage.input_tokens` where a server sends that instead);
    /// summed over sub-requests.
    std::uint64_t total_tokens = 0;
};

/// A successful rerank call.
struct response {
    /// The server's id of the request (`id` in the compatible dialect, `request_id` in the native
    /// one); the first sub-request's when the call was split.
    std::string id;
    /// Every request id, one per HTTP request that made up the call, in document-range order.
    std::vector<std::string> request_ids;
    /// The model that answered, as the server named it.
    std::string model;
    /// Ordered by `relevance_score` descending, then `index` ascending; at most `top_n`.
    std::vector<result> results;
    /// What the call cost, summed over its HTTP requests.
    rerank::usage usage;
    /// How many HTTP requests made up the call (more than 1 when the batcher split it; 0 when
    /// the score cache held every document).
    std::size_t requests = 0;
    /// What `result::relevance_score` measures: `logit` for `dialect::nim`, `probability` for
    /// every other dialect. Default `probability`.
    rerank::score_kind score_kind = rerank::score_kind::probability;
    /// How many of the call's documents had their score from the score cache
    /// (`client_options::cache`), whether or not `top_n` kept them; 0 without a cache. When
    /// every document was cached, `id`, `request_ids` are empty, `model` is the model the
    /// call named and `usage.total_tokens` is 0.
    std::size_t cached = 0;
};

} // namespace rerank
