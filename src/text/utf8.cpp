#include "text/utf8.hpp"

#include "text/utf8_simd.hpp"

#include <algorithm>

namespace rerank::utf8 {
namespace {

constexpr std::uint64_t high_bits = 0x8080808080808080ull;

// Whether the 16 bytes at `p` are all ASCII. Two unaligned 8-byte loads: memcpy compiles to plain
// moves, and OR-ing the halves costs one test for both.
inline bool all_ascii_16(const unsigned char* p) noexcept {
    std::uint64_t a;
    std::uint64_t b;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + 8, 8);
    return ((a | b) & high_bits) == 0;
}

} // namespace

std::size_t ill_formed_length(const unsigned char* p, const unsigned char* end) noexcept {
    const unsigned char lead = p[0];
    std::size_t continuations;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (lead >= 0xC2 && lead < 0xE0) {
        continuations = 1;
    } else if (lead >= 0xE0 && lead < 0xF0) {
        continuations = 2;
        lo = lead == 0xE0 ? 0xA0 : 0x80;
        hi = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead < 0xF5) {
        continuations = 3;
        lo = lead == 0xF0 ? 0x90 : 0x80;
        hi = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 1; // a byte that never starts a sequence
    }
    // Only the second byte has a narrower range; the precondition (ill-formed) keeps n below
    // the full length.
    std::size_t n = 1;
    while (n <= continuations && p + n < end && p[n] >= lo && p[n] <= hi) {
        ++n;
        lo = 0x80;
        hi = 0xBF;
    }
    return n;
}

std::size_t find_invalid(std::string_view text) noexcept {
    // Valid text is the rule: the vectorised check says so at ~0.1 ns a byte (CJK included,
    // where the scalar loop needs ~0.6); only invalid text pays for the scalar pass that finds
    // the offset. Short strings are not worth the set-up.
    if (text.size() >= 32 && avx2_available() && is_valid_avx2(text))
        return std::string_view::npos;
    return find_invalid_scalar(text);
}

std::size_t find_invalid_scalar(std::string_view text) noexcept {
    const auto* const begin = reinterpret_cast<const unsigned char*>(text.data());
    const auto* const end = begin + text.size();
    const auto* p = begin;
    while (p != end) {
        if (end - p >= 16 && all_ascii_16(p)) {
            p += 16;
            continue;
        }
        // Check sequence by sequence up to the end of this 16-byte block before trying the fast
        // path again: text that is mostly non-ASCII (CJK) would otherwise pay a failed block test
        // per character. A sequence may end a few bytes past the block; that is fine.
        const auto* const block_end = end - p >= 16 ? p + 16 : end;
        while (p < block_end) {
            if (*p < 0x80) {
                ++p;
                continue;
            }
            const std::size_t n = sequence_length(p, end);
            if (n == 0)
                return static_cast<std::size_t>(p - begin);
            p += n;
        }
    }
    return std::string_view::npos;
}

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

void repair(std::string_view text, std::string& out, std::vector<repair_point>* points) {
    out.clear();
    out.reserve(text.size() + 16);
    if (points)
        points->clear();
    const auto* const begin = reinterpret_cast<const unsigned char*>(text.data());
    const auto* const end = begin + text.size();
    const auto* p = begin;
    while (p < end) {
        // The scalar search: it stops at the next bad byte, where the vectorised check would
        // read the whole rest of the text once per replacement.
        const std::string_view rest(reinterpret_cast<const char*>(p),
                                    static_cast<std::size_t>(end - p));
        const std::size_t good = std::min(find_invalid_scalar(rest), rest.size());
        out.append(rest.data(), good);
        p += good;
        if (p == end)
            break;
        p += ill_formed_length(p, end);
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

} // namespace rerank::utf8
