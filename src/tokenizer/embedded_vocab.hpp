// The packed Qwen3 vocabulary (data/qwen3/qwen3-vocab.bin), embedded into the library at build
// time (embedded_vocab.cpp.in).
#pragma once

#include <span>

namespace rerank::tokenizer_detail {

std::span<const unsigned char> embedded_qwen3_vocab() noexcept;

} // namespace rerank::tokenizer_detail
