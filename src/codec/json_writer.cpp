#include "codec/json_writer.hpp"

#include "codec/json_escape_scan.hpp"

#include <array>

namespace rerank::detail {
namespace {

// For each byte: 0 when it passes through, else the character after the backslash ('u' for
// the \u00XX form).
constexpr std::array<char, 256> make_escape_table() {
    std::array<char, 256> table{};
    for (int c = 0; c < 0x20; ++c)
        table[static_cast<std::size_t>(c)] = 'u';
    table['\b'] = 'b';
    table['\f'] = 'f';
    table['\n'] = 'n';
    table['\r'] = 'r';
    table['\t'] = 't';
    table['"'] = '"';
    table['\\'] = '\\';
    return table;
}
constexpr std::array<char, 256> escape_table = make_escape_table();

inline char escape_of(char c) noexcept {
    return escape_table[static_cast<unsigned char>(c)];
}

} // namespace

void append_json_string(std::string& out, std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    const char* p = text.data();
    const char* const end = p + text.size();
    for (;;) {
        const char* const stop = find_json_special(p, end);
        out.append(p, static_cast<std::size_t>(stop - p));
        if (stop == end)
            break;
        const char e = escape_of(*stop);
        if (e == 'u') {
            const auto c = static_cast<unsigned char>(*stop);
            const char seq[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
            out.append(seq, sizeof seq);
        } else {
            const char seq[2] = {'\\', e};
            out.append(seq, sizeof seq);
        }
        p = stop + 1;
    }
    out.push_back('"');
}

std::size_t json_string_size(std::string_view text) noexcept {
    std::size_t size = text.size() + 2;
    const char* p = text.data();
    const char* const end = p + text.size();
    while ((p = find_json_special(p, end)) != end) {
        size += escape_of(*p) == 'u' ? 5 : 1;
        ++p;
    }
    return size;
}

} // namespace rerank::detail
