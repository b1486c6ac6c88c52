#include "codec/json_error.hpp"

namespace rerank::detail {

std::string_view to_string(json_error e) noexcept {
    switch (e) {
    case json_error::none:
        return "no error";
    case json_error::incomplete:
        return "incomplete JSON";
    case json_error::syntax:
        return "syntax error";
    case json_error::bad_escape:
        return "invalid escape in a string";
    case json_error::bad_surrogate:
        return "invalid \\u escape (lone UTF-16 surrogate)";
    case json_error::control_char:
        return "unescaped control character in a string";
    case json_error::bad_number:
        return "invalid number";
    case json_error::invalid_utf8:
        return "string is not valid UTF-8";
    case json_error::too_deep:
        return "nesting too deep";
    case json_error::extra_data:
        return "extra data after the JSON value";
    }
    return "unknown JSON error";
}

} // namespace rerank::detail
