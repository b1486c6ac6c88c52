#include "text/printable.hpp"

#include "text/utf8.hpp"

namespace rerank::text {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

void append_byte_escape(std::string& out, unsigned char byte) {
    const char seq[4] = {'\\', 'x', hex_digits[byte >> 4], hex_digits[byte & 0xF]};
    out.append(seq, sizeof seq);
}

void append_code_point_escape(std::string& out, char32_t cp) {
    const char seq[6] = {'\\',
                         'u',
                         hex_digits[(cp >> 12) & 0xF],
                         hex_digits[(cp >> 8) & 0xF],
                         hex_digits[(cp >> 4) & 0xF],
                         hex_digits[cp & 0xF]};
    out.append(seq, sizeof seq);
}

// Characters outside ASCII that move the cursor, start a terminal command (C1: CSI is U+009B)
// or reorder the text that follows them.
bool is_hidden_control(char32_t cp) {
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x2028 && cp <= 0x2029) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

} // namespace

void append_printable(std::string& out, std::string_view text) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* const end = p + text.size();
    while (p < end) {
        const auto* run = p;
        while (p < end && *p >= 0x20 && *p < 0x7F)
            ++p;
        out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
        if (p == end)
            break;
        if (*p < 0x80) { // C0 or DEL
            append_byte_escape(out, *p++);
            continue;
        }
        const std::size_t length = utf8::sequence_length(p, end);
        if (length == 0) {
            append_byte_escape(out, *p++);
            continue;
        }
        const auto* next = p;
        const char32_t cp = utf8::decode(next);
        if (is_hidden_control(cp))
            append_code_point_escape(out, cp);
        else
            out.append(reinterpret_cast<const char*>(p), length);
        p = next;
    }
}

std::string printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    append_printable(out, text);
    return out;
}

std::string printable_url(std::string_view url) {
    constexpr std::string_view hidden = "***";
    const std::size_t scheme_end = url.find("://");
    const std::size_t authority = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
    const std::size_t query = url.find_first_of("?#", authority);
    const std::size_t before_query = query == std::string_view::npos ? url.size() : query;
    const std::size_t at = url.substr(0, before_query).rfind('@');

    std::string redacted;
    if (at != std::string_view::npos && at >= authority) {
        redacted.append(url.substr(0, authority)).append(hidden);
        redacted.append(url.substr(at, before_query - at));
    } else {
        redacted.append(url.substr(0, before_query));
    }
    if (query != std::string_view::npos) {
        const std::size_t fragment = url.find('#', query);
        if (url[query] == '?')
            redacted.append("?").append(hidden);
        if (fragment != std::string_view::npos)
            redacted.append("#").append(hidden);
    }
    return printable(redacted);
}

} // namespace rerank::text
