#include <rerank/emulator/token_count.hpp>
#include <rerank/qwen3_tokenizer.hpp>

namespace rerank::emulator {

std::size_t exact_token_count(std::string_view text) {
    return qwen3_tokenizer::builtin().count(text);
}

// Byte-level BPE never makes a token of less than one byte (see the header).
std::size_t approximate_token_count(std::string_view text) noexcept {
    return text.size();
}

} // namespace rerank::emulator
