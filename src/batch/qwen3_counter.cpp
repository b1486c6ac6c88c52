// The planner's counter for the Qwen3 models, from the library's own tokenizer.
#include <rerank/batch_plan.hpp>
#include <rerank/qwen3_tokenizer.hpp>
#include <rerank/token_estimate.hpp>

namespace rerank {

token_counter qwen3_token_counter() {
    token_counter c;
    c.exact = [](std::string_view text) { return qwen3_tokenizer::builtin().count(text); };
    c.upper_bound = [](std::string_view text) { return qwen3_token_upper_bound(text); };
    c.prefix_bytes = [](std::string_view text, std::size_t max_tokens) {
        return qwen3_tokenizer::builtin().prefix_bytes(text, max_tokens);
    };
    return c;
}

} // namespace rerank
