// The two implementations behind find_invalid_utf8, exposed so tests and benchmarks can run each.
#pragma once

#include <cstddef>
#include <string_view>

namespace rerank::detail {

/// `find_invalid_utf8` sequence by sequence, with a 16-byte ASCII fast path: the fallback, and
/// what finds the offset once the vectorised check said "invalid".
std::size_t find_invalid_utf8_scalar(std::string_view text) noexcept;

/// Whether this CPU can run `is_valid_utf8_avx2` (x86-64 with AVX2; checked once).
bool utf8_avx2_available() noexcept;

/// Whether `text` is valid UTF-8 (same rules as `find_invalid_utf8`), 32 bytes per step.
/// Only callable when `utf8_avx2_available()`.
bool is_valid_utf8_avx2(std::string_view text) noexcept;

} // namespace rerank::detail
