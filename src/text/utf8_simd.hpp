// The two implementations behind utf8::find_invalid, exposed so tests and benchmarks can run each.
#pragma once

#include <cstddef>
#include <string_view>

namespace rerank::utf8 {

/// `find_invalid` sequence by sequence, with a 16-byte ASCII fast path: the fallback, what finds
/// the offset once the vectorised check said "invalid", and what `repair` uses (it stops at the
/// first bad byte, where the vectorised check reads on to the end).
std::size_t find_invalid_scalar(std::string_view text) noexcept;

/// Whether this CPU can run `is_valid_avx2` (x86-64 with AVX2; checked once).
bool avx2_available() noexcept;

/// Whether `text` is valid UTF-8 (same rules as `find_invalid`), 32 bytes per step.
/// Only callable when `avx2_available()`.
bool is_valid_avx2(std::string_view text) noexcept;

} // namespace rerank::utf8
