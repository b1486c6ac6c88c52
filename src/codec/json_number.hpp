// Reading one JSON number: the grammar check and the conversion, as Boost.JSON reports numbers.
#pragma once

#include "codec/json_error.hpp"

#include <cstdint>

namespace rerank::detail {

/// A number as the SAX events carry it: integers that fit in int64 (or, if positive, uint64)
/// stay integers; everything else is a double.
struct json_number {
    enum class kind : std::uint8_t { int64, uint64, floating };
    kind type = kind::int64;
    std::int64_t int64 = 0;
    std::uint64_t uint64 = 0;
    double floating = 0;
};

/// Reads the number at `p` (RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?) up to
/// `end`. On success moves `p` past it and returns `json_error::none`; else leaves `p` on the
/// offending character. Doubles are correctly rounded (std::from_chars); a magnitude too large
/// for a double gives +-infinity, too small +-0; exponents above INT_MAX are refused (as by
/// Boost.JSON).
json_error read_json_number(const char*& p, const char* end, json_number& out) noexcept;

} // namespace rerank::detail
