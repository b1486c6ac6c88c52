#include "batch/json_size.hpp"

#include <algorithm>
#include <cstdint>

namespace rerank::batching {

std::size_t json_escaped_size(std::string_view text) noexcept {
    // Blocks of 4 KiB keep a 32-bit accumulator (at most 5 extra bytes per byte) that the
    // compiler vectorises; the sum over blocks is 64-bit.
    constexpr std::size_t block = 4096;
    std::size_t extra = 0;
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    for (std::size_t left = text.size(); left != 0;) {
        const std::size_t n = std::min(left, block);
        std::uint32_t e = 0;
        for (std::size_t i = 0; i != n; ++i) {
            const unsigned char c = p[i];
            e += (c < 0x20 ? 5u : 0u) + (c == '"' || c == '\\' ? 1u : 0u);
        }
        extra += e;
        p += n;
        left -= n;
    }
    return text.size() + extra;
}

} // namespace rerank::batching
