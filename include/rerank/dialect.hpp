// The wire dialects the client speaks: one per rerank API shape.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace rerank {

/// Which rerank API shape to speak. Each dialect has its path, request and response shapes, error
/// body, default base URL and API-key variables; the client hides them behind `rerank::request`
/// and `rerank::response`.
enum class dialect {
    /// DashScope's OpenAI-compatible API: `POST {base_url}/reranks`,
    /// base `https://dashscope-intl.aliyuncs.com/compatible-api/v1`. The default.
    dashscope,
    /// DashScope's native API: `POST {base_url}/services/rerank/text-rerank/text-rerank`,
    /// base `https://dashscope-intl.aliyuncs.com/api/v1`.
    dashscope_native,
    /// Cohere's v2 API (also vLLM's `/v2/rerank`): `POST {base_url}/rerank`,
    /// base `https://api.cohere.com/v2`. Key: `COHERE_API_KEY`, else `CO_API_KEY`.
    cohere,
    /// The Jina-style API spoken by Jina, vLLM (`/v1/rerank`), llama.cpp's server, SiliconFlow and
    /// Infinity: `POST {base_url}/rerank`, base `https://api.jina.ai/v1`. Key: `JINA_API_KEY`,
    /// optional (self-hosted servers usually take none).
    jina,
    /// Voyage AI: `POST {base_url}/rerank`, base `https://api.voyageai.com/v1`.
    /// Key: `VOYAGE_API_KEY`.
    voyage,
    /// Hugging Face text-embeddings-inference: `POST {base_url}/rerank`. No default base URL
    /// (self-hosted: the server's root, e.g. `http://127.0.0.1:8080`). No key variable.
    tei,
    /// NVIDIA NIM text reranking: `POST {base_url}/ranking`. No default base URL (self-hosted:
    /// `http://host:8000/v1`). Key: `NVIDIA_API_KEY`, optional.
    nim,
};

/// Every dialect, in declaration order (for listings, tests and help texts).
inline constexpr dialect all_dialects[] = {dialect::dashscope, dialect::dashscope_native,
                                           dialect::cohere,    dialect::jina,
                                           dialect::voyage,    dialect::tei,
                                           dialect::nim};

/// The dialect's name: "dashscope", "dashscope-native", "cohere", "jina", "voyage", "tei", "nim".
std::string_view to_string(dialect d) noexcept;

/// Parses a dialect's name (as `to_string` gives it), or one of the aliases "dashscope_native",
/// "vllm", "llamacpp", "llama.cpp" (all three: `jina`); nullopt otherwise. Case-sensitive.
std::optional<dialect> parse_dialect(std::string_view name) noexcept;

/// The names `parse_dialect` takes, for messages: "dashscope, dashscope-native, cohere, ...".
std::string_view dialect_names() noexcept;

/// The path appended to the base URL for a dialect ("/reranks", "/rerank", "/ranking", ...).
std::string_view endpoint_path(dialect d) noexcept;

/// The base URL used when `client_options::base_url` is empty; empty for the self-hosted-only
/// dialects (`tei`, `nim`), which need one.
std::string_view default_base_url(dialect d) noexcept;

/// The model used when `client_options::model` is empty: `qwen3-rerank` (DashScope),
/// `rerank-v3.5` (Cohere), `jina-reranker-v2-base-multilingual` (Jina), `rerank-2.5` (Voyage);
/// empty where the server serves one model and needs no name (`tei`) or where no default is
/// sensible (`nim`: the model must be named).
std::string_view default_model(dialect d) noexcept;

/// The environment variables an API key is read from when `client_options::api_key` is unset,
/// first set one wins: `DASHSCOPE_API_KEY`; `COHERE_API_KEY`, `CO_API_KEY`; `JINA_API_KEY`;
/// `VOYAGE_API_KEY`; none for `tei`; `NVIDIA_API_KEY`.
std::span<const std::string_view> api_key_variables(dialect d) noexcept;

} // namespace rerank
