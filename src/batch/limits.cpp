// The documented limits of the rerank models, and the token budget a request may use.
#include <rerank/limits.hpp>

#include "text/ascii_case.hpp"

#include <algorithm>
#include <cmath>

namespace rerank {

namespace {

using text::icontains;

// Voyage's documented caps per model (https://docs.voyageai.com/reference/reranker-api): the
// total of query tokens × documents + document tokens, and the (query + document) context.
struct voyage_model {
    std::string_view name;
    std::size_t request_tokens;
    std::size_t item_tokens;
};
constexpr voyage_model voyage_models[] = {
    {"rerank-2.5", 600000, 32000},   {"rerank-2.5-lite", 600000, 32000},
    {"rerank-2", 600000, 16000},     {"rerank-2-lite", 600000, 8000},
    {"rerank-lite-2", 600000, 8000}, {"rerank-1", 300000, 8000},
    {"rerank-lite-1", 300000, 4000},
};

limits uncapped(std::size_t max_documents) noexcept {
    limits lim;
    lim.max_documents = max_documents;
    lim.max_request_tokens = limits::no_token_cap;
    lim.max_item_tokens = limits::no_token_cap;
    return lim;
}

} // namespace

std::size_t limits::request_token_budget() const noexcept {
    if (!(safety_margin > 0))
        return max_request_tokens; // 0, negative or NaN: nothing reserved (plan_batches refuses
                                   // negative and NaN margins before asking)
    if (!(safety_margin < 1))
        return 0;
    // floor(max × (1 − m)) = max − ceil(max × m). Products like 120,000 × 0.02 must give 2,400,
    // not 2,400.0000001 rounded up, so noise below a millionth of a token is ignored.
    const double reserved = static_cast<double>(max_request_tokens) * safety_margin;
    const double nearest = std::round(reserved);
    const double whole = std::fabs(reserved - nearest) < 1e-6 ? nearest : std::ceil(reserved);
    const auto kept = static_cast<std::size_t>(whole);
    return kept >= max_request_tokens ? 0 : max_request_tokens - kept;
}

limits limits::for_model(std::string_view model) noexcept {
    limits lim; // qwen3-rerank, also the fallback for names we do not know
    if (model == "gte-rerank-v2" || model == "gte-rerank") {
        lim.max_request_tokens = 30000;
    } else if (model == "qwen3-vl-rerank") {
        lim.max_documents = 100;
        lim.max_item_tokens = 8000;
    }
    return lim;
}

limits limits::for_model(rerank::dialect d, std::string_view model) noexcept {
    switch (d) {
    case dialect::dashscope:
    case dialect::dashscope_native:
        return for_model(model);
    case dialect::cohere: {
        limits lim = uncapped(1000);
        lim.max_item_tokens = 4096;
        return lim;
    }
    case dialect::jina:
        return uncapped(1000);
    case dialect::voyage: {
        limits lim;
        lim.max_documents = 1000;
        const voyage_model* row = &voyage_models[0]; // rerank-2.5 for names we do not know
        for (const voyage_model& m : voyage_models)
            if (m.name == model)
                row = &m;
        lim.max_request_tokens = row->request_tokens;
        lim.max_item_tokens = row->item_tokens;
        return lim;
    }
    case dialect::tei: {
        limits lim = uncapped(32);
        lim.max_body_bytes = 2000000;
        return lim;
    }
    case dialect::nim:
        return uncapped(512);
    }
    return for_model(model);
}

bool uses_qwen3_tokenizer(rerank::dialect d, std::string_view model) noexcept {
    if (d == dialect::dashscope || d == dialect::dashscope_native)
        return true;
    return icontains(model, "qwen3") || icontains(model, "gte-rerank");
}

bool scores_listwise(std::string_view model) noexcept {
    // The one table of listwise models (sources in limits.hpp).
    static constexpr std::string_view listwise[] = {
        "jina-reranker-v3", "rank_zephyr",   "rank-zephyr",   "rank_vicuna",
        "rank-vicuna",      "first-mistral", "first_mistral",
    };
    return std::any_of(std::begin(listwise), std::end(listwise),
                       [model](std::string_view name) { return icontains(model, name); });
}

} // namespace rerank
