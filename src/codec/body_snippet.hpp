// A printable excerpt of a body that was not what we expected, for diagnostics.
#pragma once

#include <rerank/diagnostics.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace rerank::detail {

/// The first bytes of `body`, at most `max_bytes`, safe to print and log: cut at a UTF-8
/// sequence boundary (never inside a character), control characters (C0, DEL, C1) replaced by
/// spaces, and bytes that are not UTF-8 replaced by U+FFFD. The result is valid UTF-8.
std::string make_body_snippet(std::string_view body,
                              std::size_t max_bytes = diagnostics::max_snippet_bytes);

} // namespace rerank::detail
