#include "tokenizer/utf8.hpp"

#include <algorithm>
#include <cstring>

namespace rerank::tokenizer_detail::utf8 {

void append(std::string& out, char32_t cp) {
    char buf[4];
    std::size_t n;
    if (cp < 0x80) {
        buf[0] = static_cast<char>(cp);
        n = 1;
    } else if (cp < 0x800) {
        buf[0] = static_cast<char>(0xC0 | (cp >> 6));
        buf[1] = static_cast<char>(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        buf[0] = static_cast<char>(0xE0 | (cp >> 12));
        buf[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        buf[2] = static_cast<char>(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        buf[0] = static_cast<char>(0xF0 | (cp >> 18));
        buf[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        buf[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        buf[3] = static_cast<char>(0x80 | (cp & 0x3F));
        n = 4;
    }
    out.append(buf, n);
}

namespace {

// Length of the well-formed sequence at `p` (Unicode table 3-7), or, when ill-formed, the
// negated length of its maximal subpart (at least 1 byte).
long sequence_at(const unsigned char* p, const unsigned char* end) noexcept {
    const unsigned b0 = p[0];
    if (b0 < 0x80)
        return 1;
    unsigned lo = 0x80, hi = 0xBF;
    long need;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        if (b0 == 0xE0)
            lo = 0xA0;
        if (b0 == 0xED)
            hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        if (b0 == 0xF0)
            lo = 0x90;
        if (b0 == 0xF4)
            hi = 0x8F;
    } else {
        return -1;
    }
    long got = 1;
    for (long i = 1; i <= need; ++i) {
        if (p + i >= end)
            return -got;
        const unsigned b = p[i];
        if (b < lo || b > hi)
            return -got;
        lo = 0x80;
        hi = 0xBF;
        ++got;
    }
    return got;
}

} // namespace

std::size_t well_formed_prefix(std::string_view text) noexcept {
    const auto* const begin = reinterpret_cast<const unsigned char*>(text.data());
    const auto* const end = begin + text.size();
    const auto* p = begin;
    while (p < end) {
        skip_ascii(p, end);
        if (p == end)
            break;
        const long n = sequence_at(p, end);
        if (n < 0)
            break;
        p += n;
    }
    return static_cast<std::size_t>(p - begin);
}

void repair(std::string_view text, std::string& out, std::vector<repair_point>* points) {
    out.clear();
    out.reserve(text.size() + 16);
    if (points)
        points->clear();
    const auto* const begin = reinterpret_cast<const unsigned char*>(text.data());
    const auto* const end = begin + text.size();
    const auto* p = begin;
    while (p < end) {
        const std::size_t good = well_formed_prefix(
            std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(end - p)));
        out.append(reinterpret_cast<const char*>(p), good);
        p += good;
        if (p == end)
            break;
        const long n = sequence_at(p, end);
        p += -n;
        out.append("\xEF\xBF\xBD");
        if (points)
            points->push_back({out.size(), static_cast<std::size_t>(p - begin)});
    }
}

std::size_t original_offset(const std::vector<repair_point>& points,
                            std::size_t repaired) noexcept {
    const auto it = std::upper_bound(
        points.begin(), points.end(), repaired,
        [](std::size_t value, const repair_point& point) { return value < point.repaired_end; });
    if (it == points.begin())
        return repaired;
    const repair_point& last = *(it - 1);
    return last.original_end + (repaired - last.repaired_end);
}

} // namespace rerank::tokenizer_detail::utf8
