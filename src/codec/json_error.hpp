// Why a text is not JSON, as json_reader reports it.
#pragma once

#include <cstdint>
#include <string_view>

namespace rerank::detail {

enum class json_error : std::uint8_t {
    none,
    incomplete,    // the text ends inside a value (truncated, or empty)
    syntax,        // a character that cannot come here
    bad_escape,    // a backslash escape that is not one of JSON's
    bad_surrogate, // a \u escape of a lone UTF-16 surrogate
    control_char,  // an unescaped control character inside a string
    bad_number,    // a number that does not follow JSON's grammar, or an exponent past 2^31
    invalid_utf8,  // a key or a wanted string value that is not UTF-8
    too_deep,      // objects and arrays nested deeper than the limit
    extra_data,    // more than whitespace after the value
};

/// "incomplete JSON", "syntax error", ...
std::string_view to_string(json_error e) noexcept;

} // namespace rerank::detail
