// How many bytes a text takes as a JSON string: the planner's measure of request bodies.
#pragma once

#include <cstddef>
#include <string_view>

namespace rerank::batching {

/// Bytes of `text` escaped as the contents of a JSON string (quotes not included), bounded from
/// above for any encoder that writes UTF-8 as is and escapes a byte into at most 6 bytes:
/// `"` and `\` count 2, every control byte (< 0x20) counts 6 (`\u00XX`; the short forms `\n`
/// and friends take 2), every other byte 1. One pass over the text, vectorisable.
std::size_t json_escaped_size(std::string_view text) noexcept;

/// The bound before looking at the text: 6 bytes per byte.
constexpr std::size_t json_escaped_size_cheap(std::string_view text) noexcept {
    return 6 * text.size();
}

/// Bytes a document adds to the documents array beside its escaped text, in the longest shape of
/// any dialect: NIM's `{"text":"..."},` (12; a plain string takes 3: two quotes, a comma).
inline constexpr std::size_t json_document_overhead = 12;

/// Bytes reserved in every body for field names, punctuation, `top_n`, flags, and the model
/// name when the request does not set one (client models of up to 512 bytes).
inline constexpr std::size_t json_envelope_reserve = 1024;

} // namespace rerank::batching
