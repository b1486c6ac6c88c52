// ASCII case-insensitive comparisons, for matching the words of servers' messages and model names.
#pragma once

#include <algorithm>
#include <string_view>

namespace rerank::text {

/// `c` lowered if it is an ASCII capital; every other byte as it is (no locale: UTF-8 bytes
/// above 0x7F stay themselves).
constexpr char ascii_lower(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// Whether `a` and `b` are equal, ignoring ASCII case.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

/// Whether `haystack` contains `needle`, ignoring ASCII case.
inline bool icontains(std::string_view haystack, std::string_view needle) noexcept {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                       [](char x, char y) { return ascii_lower(x) == ascii_lower(y); }) !=
           haystack.end();
}

} // namespace rerank::text
