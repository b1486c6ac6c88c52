// The documented limits of the rerank models, and the token budget a request may use.
#include <rerank/limits.hpp>

#include <cmath>

namespace rerank {

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

} // namespace rerank
