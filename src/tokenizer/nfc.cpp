#include "tokenizer/nfc.hpp"

#include "text/utf8.hpp"
#include "tokenizer/unicode_tables.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>

namespace rerank::tokenizer_detail {

namespace {

namespace uc = unicode;

// Hangul syllables (UAX #15, section 3.12 of the core specification).
constexpr char32_t s_base = 0xAC00, l_base = 0x1100, v_base = 0x1161, t_base = 0x11A7;
constexpr char32_t l_count = 19, v_count = 21, t_count = 28, n_count = v_count * t_count,
                   s_count = l_count * n_count;

void decompose(char32_t cp, std::vector<char32_t>& out) {
    if (cp >= s_base && cp < s_base + s_count) {
        const char32_t s = cp - s_base;
        out.push_back(l_base + s / n_count);
        out.push_back(v_base + (s % n_count) / t_count);
        if (s % t_count != 0)
            out.push_back(t_base + s % t_count);
        return;
    }
    const auto* const first = std::begin(uc::decompositions);
    const auto* const last = std::end(uc::decompositions);
    const auto* it = std::lower_bound(
        first, last, cp, [](const uc::decomposition& d, char32_t c) { return d.code_point < c; });
    if (it != last && it->code_point == cp) {
        out.insert(out.end(), uc::decomposition_data + it->offset,
                   uc::decomposition_data + it->offset + it->length);
        return;
    }
    out.push_back(cp);
}

// The primary composite of <first, second>, or 0 when there is none.
char32_t compose(char32_t first, char32_t second) noexcept {
    if (first >= l_base && first < l_base + l_count && second >= v_base &&
        second < v_base + v_count)
        return s_base + ((first - l_base) * v_count + (second - v_base)) * t_count;
    if (first >= s_base && first < s_base + s_count && (first - s_base) % t_count == 0 &&
        second > t_base && second < t_base + t_count)
        return first + (second - t_base);
    const auto* const begin = std::begin(uc::compositions);
    const auto* const end = std::end(uc::compositions);
    const auto* it = std::lower_bound(
        begin, end, std::pair{first, second},
        [](const uc::composition& c, std::pair<char32_t, char32_t> k) {
            return c.first < k.first || (c.first == k.first && c.second < k.second);
        });
    if (it != end && it->first == first && it->second == second)
        return it->composite;
    return 0;
}

// NFC of one chunk (well-formed UTF-8), appended to `out`.
void normalize_chunk(std::string_view chunk, std::string& out) {
    thread_local std::vector<char32_t> cps;
    thread_local std::vector<std::uint8_t> classes;
    cps.clear();
    const auto* p = reinterpret_cast<const unsigned char*>(chunk.data());
    const auto* const end = p + chunk.size();
    while (p < end)
        decompose(utf8::decode(p), cps);

    // Canonical ordering: a stable sort of each run of non-starters by combining class.
    classes.resize(cps.size());
    for (std::size_t i = 0; i < cps.size(); ++i)
        classes[i] = uc::combining_class(cps[i]);
    for (std::size_t i = 1; i < cps.size(); ++i) {
        for (std::size_t j = i; j > 0 && classes[j] != 0 && classes[j - 1] > classes[j]; --j) {
            std::swap(cps[j], cps[j - 1]);
            std::swap(classes[j], classes[j - 1]);
        }
    }

    // Canonical composition: each character joins the last starter unless blocked.
    if (!cps.empty()) {
        std::size_t starter = 0;
        unsigned last_class = classes[0] == 0 ? 0 : 256; // a leading non-starter blocks
        std::size_t kept = 1;
        for (std::size_t i = 1; i < cps.size(); ++i) {
            const char32_t c = cps[i];
            const unsigned cls = classes[i];
            const char32_t composite =
                (last_class < cls || last_class == 0) ? compose(cps[starter], c) : char32_t{0};
            if (composite != 0 && classes[starter] == 0) {
                cps[starter] = composite;
                continue;
            }
            if (cls == 0)
                starter = kept;
            last_class = cls;
            classes[kept] = static_cast<std::uint8_t>(cls);
            cps[kept++] = c;
        }
        cps.resize(kept);
    }
    for (const char32_t c : cps)
        utf8::append(out, c);
}

// Records where a normalised chunk differs from its source. Inside a short chunk, a code point
// boundary x also lines the two texts up when NFC(chunk[0, x)) + NFC(chunk[x, end)) ==
// NFC(chunk): the chunk is then recorded as two (or more) smaller rewrites, so that a cut at x
// stays possible.
void record_rewrites(std::string_view chunk, std::size_t in_begin, std::string_view normalized,
                     std::size_t out_begin, std::vector<nfc_rewrite>& rewrites) {
    if (normalized == chunk)
        return;
    constexpr std::size_t max_split_bytes = 128; // O(n^2): only short chunks are split
    thread_local std::string head, tail;
    struct point {
        std::size_t in, out;
    };
    point last{0, 0};
    auto emit = [&](point next) {
        if (chunk.substr(last.in, next.in - last.in) !=
            normalized.substr(last.out, next.out - last.out))
            rewrites.push_back({in_begin + last.in, in_begin + next.in, out_begin + last.out,
                                out_begin + next.out});
        last = next;
    };
    if (chunk.size() <= max_split_bytes) {
        for (std::size_t x = 1; x < chunk.size(); ++x) {
            if (!utf8::is_lead(static_cast<unsigned char>(chunk[x])))
                continue;
            head.clear();
            tail.clear();
            normalize_chunk(chunk.substr(0, x), head);
            normalize_chunk(chunk.substr(x), tail);
            if (head.size() > last.out && head.size() + tail.size() == normalized.size() &&
                normalized.starts_with(head) && normalized.ends_with(tail))
                emit({x, head.size()});
        }
    }
    emit({chunk.size(), normalized.size()});
}

} // namespace

std::size_t find_non_inert(std::string_view text) noexcept {
    const auto* const begin = reinterpret_cast<const unsigned char*>(text.data());
    const auto* const end = begin + text.size();
    const auto* p = begin;
    while (p < end) {
        utf8::skip_ascii(p, end);
        if (p == end)
            break;
        const auto* const at = p;
        if (!uc::is_nfc_inert(utf8::decode(p)))
            return static_cast<std::size_t>(at - begin);
    }
    return text.size();
}

void append_nfc(std::string_view text, std::string& out, std::vector<nfc_rewrite>* rewrites) {
    const auto* const begin = reinterpret_cast<const unsigned char*>(text.data());
    const auto* const end = begin + text.size();
    const std::size_t out_base = out.size();
    std::size_t copied = 0;     // input before this offset is already in `out`
    std::size_t last_inert = 0; // start of the last inert code point at or after `copied`
    bool have_inert = false;
    const auto* p = begin;
    while (p < end) {
        const auto* const at = p;
        const char32_t cp = utf8::decode(p);
        if (uc::is_nfc_inert(cp)) {
            last_inert = static_cast<std::size_t>(at - begin);
            have_inert = true;
            continue;
        }
        // A chunk runs from the last inert code point (the starter the marks may join) to the
        // next inert code point.
        const std::size_t chunk_begin =
            have_inert ? last_inert : static_cast<std::size_t>(at - begin);
        while (p < end) {
            const auto* q = p;
            if (uc::is_nfc_inert(utf8::decode(q)))
                break;
            p = q;
        }
        const std::size_t chunk_end = static_cast<std::size_t>(p - begin);
        out.append(text.data() + copied, chunk_begin - copied);
        const std::size_t out_begin = out.size();
        const std::string_view chunk = text.substr(chunk_begin, chunk_end - chunk_begin);
        normalize_chunk(chunk, out);
        if (rewrites)
            record_rewrites(chunk, chunk_begin, std::string_view(out).substr(out_begin),
                            out_begin - out_base, *rewrites);
        copied = chunk_end;
        have_inert = false;
    }
    out.append(text.data() + copied, text.size() - copied);
}

} // namespace rerank::tokenizer_detail
