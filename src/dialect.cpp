#include <rerank/dialect.hpp>

#include <array>

namespace rerank {
namespace {

// One row per dialect, in declaration order: the one place the dialects' constants live.
struct dialect_facts {
    std::string_view name;
    std::string_view path;
    std::string_view base_url;
    std::string_view model;
    std::span<const std::string_view> key_variables;
};

constexpr std::string_view dashscope_keys[] = {"DASHSCOPE_API_KEY"};
constexpr std::string_view cohere_keys[] = {"COHERE_API_KEY", "CO_API_KEY"};
constexpr std::string_view jina_keys[] = {"JINA_API_KEY"};
constexpr std::string_view voyage_keys[] = {"VOYAGE_API_KEY"};
constexpr std::string_view nim_keys[] = {"NVIDIA_API_KEY"};

constexpr std::array<dialect_facts, std::size(all_dialects)> facts = {{
    {"dashscope", "/reranks", "https://dashscope-intl.aliyuncs.com/compatible-api/v1",
     "qwen3-rerank", dashscope_keys},
    {"dashscope-native", "/services/rerank/text-rerank/text-rerank",
     "https://dashscope-intl.aliyuncs.com/api/v1", "qwen3-rerank", dashscope_keys},
    {"cohere", "/rerank", "https://api.cohere.com/v2", "rerank-v3.5", cohere_keys},
    {"jina", "/rerank", "https://api.jina.ai/v1", "jina-reranker-v2-base-multilingual", jina_keys},
    {"voyage", "/rerank", "https://api.voyageai.com/v1", "rerank-2.5", voyage_keys},
    {"tei", "/rerank", "", "", {}},
    {"nim", "/ranking", "", "", nim_keys},
}};

const dialect_facts& facts_of(dialect d) noexcept {
    return facts[static_cast<std::size_t>(d)];
}

} // namespace

std::string_view to_string(dialect d) noexcept {
    return facts_of(d).name;
}

std::optional<dialect> parse_dialect(std::string_view name) noexcept {
    for (dialect d : all_dialects)
        if (facts_of(d).name == name)
            return d;
    if (name == "dashscope_native")
        return dialect::dashscope_native;
    if (name == "vllm" || name == "llamacpp" || name == "llama.cpp")
        return dialect::jina;
    return std::nullopt;
}

std::string_view dialect_names() noexcept {
    return "dashscope, dashscope-native, cohere, jina (or vllm, llamacpp), voyage, tei, nim";
}

std::string_view endpoint_path(dialect d) noexcept {
    return facts_of(d).path;
}

std::string_view default_base_url(dialect d) noexcept {
    return facts_of(d).base_url;
}

std::string_view default_model(dialect d) noexcept {
    return facts_of(d).model;
}

std::span<const std::string_view> api_key_variables(dialect d) noexcept {
    return facts_of(d).key_variables;
}

} // namespace rerank
