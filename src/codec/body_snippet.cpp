#include "codec/body_snippet.hpp"

#include "text/utf8.hpp"

namespace rerank::detail {

std::string make_body_snippet(std::string_view body, std::size_t max_bytes) {
    static constexpr std::string_view replacement = "\xEF\xBF\xBD"; // U+FFFD
    std::string snippet;
    snippet.reserve(body.size() < max_bytes ? body.size() : max_bytes);
    const auto* p = reinterpret_cast<const unsigned char*>(body.data());
    const auto* const end = p + body.size();
    while (p != end) {
        const std::size_t n = utf8::sequence_length(p, end);
        const std::size_t out_size = n == 0 ? replacement.size() : n;
        if (snippet.size() + out_size > max_bytes)
            break;
        if (n == 0) {
            snippet.append(replacement);
            ++p;
        } else if (n == 1) {
            snippet.push_back(*p < 0x20 || *p == 0x7F ? ' ' : static_cast<char>(*p));
            ++p;
        } else if (n == 2 && p[0] == 0xC2 && p[1] < 0xA0) {
            snippet.push_back(' '); // C1 control (U+0080..U+009F)
            p += 2;
        } else {
            snippet.append(reinterpret_cast<const char*>(p), n);
            p += n;
        }
    }
    return snippet;
}

} // namespace rerank::detail
