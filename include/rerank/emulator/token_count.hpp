// The emulator's default token counter.
#pragma once

#include <cstddef>
#include <string_view>

namespace rerank::emulator {

/// The default `options::count_tokens`: the number of UTF-8 bytes of `text`.
///
/// Qwen3's tokenizer is a byte-level BPE: every token stands for at least one byte, so the
/// byte count is an upper bound of the real token count (about 3-4 times too high for English,
/// 1-1.5 for CJK). A client that budgets with the exact tokenizer therefore never sends a
/// request this counter accepts but the real service would refuse; the converse can happen
/// (the emulator refuses earlier than the service), which is the safe side for tests.
std::size_t approximate_token_count(std::string_view text) noexcept;

} // namespace rerank::emulator
