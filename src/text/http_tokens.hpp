// Pieces of HTTP header values (RFC 9110 §5.6), shared by the client and the emulator.
#pragma once

#include <string_view>

namespace rerank::text {

/// `value` without the optional whitespace (spaces and tabs) around it.
inline std::string_view trim_whitespace(std::string_view value) noexcept {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
    return value;
}

} // namespace rerank::text
