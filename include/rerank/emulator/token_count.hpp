// The emulator's token counters: exact Qwen3 counts (the default) or a byte-count bound.
#pragma once

#include <cstddef>
#include <string_view>

namespace rerank::emulator {

/// The default `options::count_tokens`: the exact Qwen3 token count of `text`
/// (`rerank::qwen3_tokenizer::builtin().count(text)`), as the real service counts against its
/// limits. The first call loads the built-in vocabulary (20-40 ms, about 7 MB, once per
/// process). Thread-safe.
std::size_t exact_token_count(std::string_view text);

/// The number of UTF-8 bytes of `text`: an upper bound of its Qwen3 tokens, for tests that want
/// the byte bound explicitly (`options::count_tokens = approximate_token_count`).
///
/// Qwen3's tokenizer is a byte-level BPE: every token stands for at least one byte, so the
/// byte count is an upper bound of the real token count of text in NFC (about 3-4 times too
/// high for English, 1-1.5 for CJK). A client that budgets with the exact tokenizer therefore
/// practically never sends a request this counter accepts but the real service would refuse;
/// the converse is common (the emulator refuses earlier than the service), which makes it a
/// way to exercise a client's handling of "too large" answers.
std::size_t approximate_token_count(std::string_view text) noexcept;

} // namespace rerank::emulator
