// The planner's counter for the Qwen3 models, from the library's own tokenizer.
#include <rerank/batch_plan.hpp>
#include <rerank/qwen3_tokenizer.hpp>
#include <rerank/token_estimate.hpp>

#include "text/utf8.hpp"

namespace rerank {
namespace {

bool is_ascii(std::string_view text) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    utf8::skip_ascii(p, end);
    return p == end;
}

// Every token has at least one byte of the NFC text. ASCII is its own NFC; otherwise NFC at
// most triples UTF-8 (Unicode's documented expansion bound), and each ill-formed byte becomes
// U+FFFD, 3 bytes, which NFC leaves alone.
std::size_t qwen3_quick_bound(std::string_view text) noexcept {
    return is_ascii(text) ? text.size() : 3 * text.size();
}

} // namespace

token_counter qwen3_token_counter() {
    token_counter c;
    c.exact = [](std::string_view text) { return qwen3_tokenizer::builtin().count(text); };
    c.upper_bound = [](std::string_view text) { return qwen3_token_upper_bound(text); };
    c.quick_bound = qwen3_quick_bound;
    c.prefix_bytes = [](std::string_view text, std::size_t max_tokens) {
        return qwen3_tokenizer::builtin().prefix_bytes(text, max_tokens);
    };
    return c;
}

} // namespace rerank
