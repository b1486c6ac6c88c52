// What several fuzz targets check: a failure report, and diagnostics safe to print.
#pragma once

#include "text/utf8.hpp"

#include <rerank/diagnostics.hpp>

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace rerank::fuzz {

/// Prints what went wrong and the input (bytes as they are: libFuzzer also saves it), aborts.
[[noreturn]] inline void fail(const char* target, const char* what, std::string_view input) {
    std::fprintf(stderr, "%s: %s\ninput (%zu bytes): %.*s\n", target, what, input.size(),
                 static_cast<int>(input.size()), input.data());
    std::abort();
}

/// Whether `s` holds a C0 or C1 control character or DEL (`s` being valid UTF-8).
inline bool has_control_character(std::string_view s) noexcept {
    for (std::size_t i = 0; i != s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7f)
            return true;
        if (c == 0xC2 && i + 1 != s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0)
            return true; // U+0080..U+009F
    }
    return false;
}

/// A body snippet is bounded, valid UTF-8 and free of control characters (body_snippet.hpp).
inline void check_snippet(const char* target, const diagnostics& diag, std::string_view input) {
    if (diag.body_snippet.size() > diagnostics::max_snippet_bytes)
        fail(target, "body snippet over its limit", input);
    if (!utf8::is_valid(diag.body_snippet))
        fail(target, "body snippet is not valid UTF-8", input);
    if (has_control_character(diag.body_snippet))
        fail(target, "body snippet holds a control character", input);
}

} // namespace rerank::fuzz
