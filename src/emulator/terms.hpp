// Splits text into the terms BM25 scores: Unicode-agnostic rules that need no tables.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rerank::emulator::detail {

/// Reads the terms of a text one at a time, without allocating per term:
/// - a run of ASCII letters and digits is one term, lowercased ("BM25" -> "bm25");
/// - every non-ASCII code point (a CJK character, an accented letter) is a term on its own,
///   so Chinese text is scored character by character;
/// - other ASCII bytes (spaces, punctuation, controls) separate terms;
/// - a byte that does not start a valid UTF-8 sequence is a term of one byte.
class term_reader {
public:
    explicit term_reader(std::string_view text) noexcept
        : text_(text) {}

    /// The next term; the view is valid until the next call. nullopt at the end.
    std::optional<std::string_view> next();

private:
    std::string_view text_;
    std::size_t pos_ = 0;
    std::string lowered_;
};

/// Every term of `text`, in order (for tests and the query, which is short).
std::vector<std::string> split_terms(std::string_view text);

} // namespace rerank::emulator::detail
