// Strict UTF-8 validation of request text, before it is sent.
#pragma once

#include <cstddef>
#include <string_view>

namespace rerank::detail {

/// Offset of the first byte of the first ill-formed sequence in `text`, or `std::string_view::npos`
/// when all of `text` is well-formed UTF-8.
///
/// Strict per Unicode §3.9 (table 3-7): no overlong forms, no surrogates (U+D800..U+DFFF), nothing
/// above U+10FFFF, no truncated sequence. The offset names the lead byte of the bad sequence (or
/// the stray continuation byte), so messages can point at it. 32 bytes per step with AVX2 where the
/// CPU has it (checked at run time), else sequence by sequence with ASCII runs 16 bytes at a time.
std::size_t find_invalid_utf8(std::string_view text) noexcept;

/// Whether all of `text` is well-formed UTF-8 (see `find_invalid_utf8`).
inline bool is_valid_utf8(std::string_view text) noexcept {
    return find_invalid_utf8(text) == std::string_view::npos;
}

/// Length (1 to 4) of the well-formed UTF-8 sequence starting at `p`, or 0 when the bytes in
/// [p, end) do not start one. `p` must be before `end`.
std::size_t utf8_sequence_length(const unsigned char* p, const unsigned char* end) noexcept;

} // namespace rerank::detail
