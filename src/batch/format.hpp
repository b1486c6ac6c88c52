// Numbers for people, in the planner's error messages: 120000 → "120,000".
#pragma once

#include <cstdint>
#include <string>

namespace rerank::batching {

inline std::string with_thousands(std::uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    out.reserve(digits.size() + digits.size() / 3);
    for (std::size_t i = 0; i != digits.size(); ++i) {
        if (i != 0 && (digits.size() - i) % 3 == 0)
            out.push_back(',');
        out.push_back(digits[i]);
    }
    return out;
}

} // namespace rerank::batching
