// A rerank request as the emulator understood it, and the ways it can be refused.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rerank::emulator::detail {

/// The emulator's parsed view of a rerank request, in any dialect. The views point into the
/// parsed JSON body and live as long as it does.
struct parsed_request {
    std::string_view model;
    std::string_view query;
    std::vector<std::string_view> documents;
    /// DashScope's `instruct`, SiliconFlow's `instruction` (jina dialect): counted with the
    /// query.
    std::optional<std::string_view> instruct;
    /// `top_n` (Voyage: `top_k`); TEI and NIM have none. In the jina dialect 0 means all.
    std::optional<std::size_t> top_n;
    /// Native dialect's `parameters.return_documents` (default false); jina's
    /// `return_documents` (default true), Voyage's (default false), TEI's `return_text`
    /// (default false). The compatible dialect always echoes documents, Cohere v2 and NIM never.
    bool return_documents = false;
    /// Whether the request lets the server truncate a pair over `options::max_pair_tokens`
    /// instead of refusing it: TEI `truncate`, NIM `truncate: "END"`, Voyage `truncation`
    /// (default true), vLLM `truncate_prompt_tokens`.
    bool truncate = false;
    /// Cohere's `max_tokens_per_doc` (default 4,096): longer documents count this many.
    std::optional<std::size_t> max_tokens_per_doc;
    /// TEI's `raw_scores`: logits instead of probabilities.
    bool raw_scores = false;
};

/// A refusal, rendered in the dialect's error shape by `error_body`.
struct api_error {
    api_error() = default;
    api_error(unsigned status_code, std::string provider_code, std::string text)
        : status(status_code)
        , code(std::move(provider_code))
        , message(std::move(text)) {}

    unsigned status = 400;
    /// The provider code: "InvalidParameter", "InvalidApiKey"... (see `error_body` for how each
    /// dialect spells it; TEI's `error_type`, vLLM's `type`).
    std::string code;
    std::string message;
    /// The whole body, for answers that are not the dialect's usual shape (TEI's empty 401,
    /// FastAPI's `{"detail":"Not Found"}`, axum's text/plain rejections); sent as is.
    std::optional<std::string> body;
    /// The Content-Type of `body` (empty: none sent).
    std::string content_type = "application/json";
};

} // namespace rerank::emulator::detail
