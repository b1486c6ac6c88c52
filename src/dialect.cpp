#include <rerank/dialect.hpp>

namespace rerank {

std::string_view to_string(dialect d) noexcept {
    return d == dialect::dashscope_native ? "dashscope-native" : "dashscope";
}

std::optional<dialect> parse_dialect(std::string_view name) noexcept {
    if (name == "dashscope")
        return dialect::dashscope;
    if (name == "dashscope-native" || name == "dashscope_native")
        return dialect::dashscope_native;
    return std::nullopt;
}

std::string_view endpoint_path(dialect d) noexcept {
    return d == dialect::dashscope_native ? "/services/rerank/text-rerank/text-rerank" : "/reranks";
}

} // namespace rerank
