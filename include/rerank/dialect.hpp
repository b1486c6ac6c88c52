// The wire dialects the client speaks.
#pragma once

#include <optional>
#include <string_view>

namespace rerank {

/// Which rerank API shape to speak.
enum class dialect {
    /// DashScope's OpenAI-compatible API: `POST {base_url}/reranks`,
    /// base `https://dashscope-intl.aliyuncs.com/compatible-api/v1`. The default.
    dashscope,
    /// DashScope's native API: `POST {base_url}/services/rerank/text-rerank/text-rerank`,
    /// base `https://dashscope-intl.aliyuncs.com/api/v1`.
    dashscope_native,
};

/// "dashscope" or "dashscope-native".
std::string_view to_string(dialect d) noexcept;

/// Parses "dashscope" / "dashscope-native" (also "dashscope_native"); nullopt otherwise.
std::optional<dialect> parse_dialect(std::string_view name) noexcept;

/// The path appended to the base URL for a dialect ("/reranks", ...).
std::string_view endpoint_path(dialect d) noexcept;

} // namespace rerank
