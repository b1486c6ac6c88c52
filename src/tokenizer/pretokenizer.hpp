// The Qwen2/Qwen3 pre-tokenizer: a hand-written matcher for the split regex
//
//   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*
//   |\s*[\r\n]+|\s+(?!\S)|\s+
//
// with Oniguruma's semantics (leftmost match, alternatives tried in order, greedy quantifiers
// with backtracking). Every position matches one alternative, so the pieces tile the text.
// Classes: \p{L} and \p{N} are the general categories L* and N*, \s is White_Space; the
// contractions are ASCII case-insensitive and 's also matches 'ſ (U+017F, which folds to s).
#pragma once

#include "text/utf8.hpp"
#include "tokenizer/unicode_tables.hpp"

#include <cstddef>
#include <string_view>

namespace rerank::tokenizer_detail {

/// Yields the pre-tokenizer pieces of well-formed (and NFC) UTF-8 text, left to right.
class piece_splitter {
public:
    explicit piece_splitter(std::string_view text) noexcept
        : begin_(reinterpret_cast<const unsigned char*>(text.data()))
        , pos_(begin_)
        , end_(begin_ + text.size()) {}

    bool done() const noexcept { return pos_ == end_; }
    /// Offset of the next piece in the text.
    std::size_t offset() const noexcept { return static_cast<std::size_t>(pos_ - begin_); }

    /// The next piece; call only when !done().
    std::string_view next() noexcept {
        const unsigned char* const start = pos_;
        pos_ = match(start);
        return {reinterpret_cast<const char*>(start), static_cast<std::size_t>(pos_ - start)};
    }

private:
    using cls = unicode::char_class;

    struct cp_info {
        char32_t cp;
        cls kind;
        const unsigned char* next; // just past the code point
    };

    cp_info peek(const unsigned char* p) const noexcept {
        if (*p < 0x80)
            return {*p, ascii_class(*p), p + 1};
        const char32_t cp = utf8::decode(p);
        return {cp, unicode::class_of(cp), p};
    }

    static cls ascii_class(unsigned char c) noexcept {
        // 0-31 and 127: \t \n \v \f \r are White_Space, other controls are neither.
        static constexpr auto table = [] {
            struct t {
                cls v[128];
            } r{};
            for (int i = 0; i < 128; ++i)
                r.v[i] = cls::other;
            for (int i = 9; i <= 13; ++i)
                r.v[i] = cls::space;
            r.v[32] = cls::space;
            for (int i = '0'; i <= '9'; ++i)
                r.v[i] = cls::number;
            for (int i = 'A'; i <= 'Z'; ++i)
                r.v[i] = cls::letter;
            for (int i = 'a'; i <= 'z'; ++i)
                r.v[i] = cls::letter;
            return r;
        }();
        return table.v[c];
    }

    static bool is_cr_lf(char32_t c) noexcept { return c == '\r' || c == '\n'; }
    static char32_t lower_ascii(char32_t c) noexcept {
        return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
    }

    // End of the run of code points of class `kind` starting at `p`.
    const unsigned char* run_of(const unsigned char* p, cls kind) const noexcept {
        while (p < end_) {
            const cp_info c = peek(p);
            if (c.kind != kind)
                break;
            p = c.next;
        }
        return p;
    }

    // (?i:'s|'t|'re|'ve|'m|'ll|'d) after the apostrophe at `p` (already known); null if none.
    const unsigned char* contraction(const unsigned char* after_quote) const noexcept {
        if (after_quote == end_)
            return nullptr;
        const cp_info a = peek(after_quote);
        const char32_t c = lower_ascii(a.cp);
        if (c == 's' || c == 't' || c == 'm' || c == 'd' || a.cp == 0x017F)
            return a.next;
        if (c == 'r' || c == 'v' || c == 'l') {
            if (a.next == end_)
                return nullptr;
            const cp_info b = peek(a.next);
            const char32_t want = c == 'l' ? 'l' : 'e';
            if (lower_ascii(b.cp) == want)
                return b.next;
        }
        return nullptr;
    }

    const unsigned char* match(const unsigned char* p) const noexcept {
        const cp_info c = peek(p);
        // 1. contractions
        if (c.cp == '\'') {
            if (const unsigned char* e = contraction(c.next))
                return e;
        }
        // 2. [^\r\n\p{L}\p{N}]?\p{L}+
        if (c.kind == cls::letter)
            return run_of(c.next, cls::letter);
        const bool has_next = c.next < end_;
        const cp_info n = has_next ? peek(c.next) : cp_info{0, cls::other, c.next};
        if (c.kind != cls::number && !is_cr_lf(c.cp) && has_next && n.kind == cls::letter)
            return run_of(n.next, cls::letter);
        // 3. \p{N}
        if (c.kind == cls::number)
            return c.next;
        // 4. ' ?[^\s\p{L}\p{N}]+[\r\n]*'
        if (c.kind == cls::other || (c.cp == ' ' && has_next && n.kind == cls::other)) {
            const unsigned char* e = run_of(c.kind == cls::other ? c.next : n.next, cls::other);
            while (e < end_ && (*e == '\r' || *e == '\n'))
                ++e;
            return e;
        }
        // c is White_Space from here on.
        // 5. \s*[\r\n]+ : up to and including the last \r or \n of the whitespace run.
        const unsigned char* last_newline = nullptr;
        const unsigned char* e = p;
        const unsigned char* last_start = p;
        while (e < end_) {
            const cp_info w = peek(e);
            if (w.kind != cls::space)
                break;
            if (is_cr_lf(w.cp))
                last_newline = w.next;
            last_start = e;
            e = w.next;
        }
        if (last_newline)
            return last_newline;
        // 6. \s+(?!\S): the whole run at the end of the text, else all but its last character.
        if (e == end_)
            return e;
        if (last_start != p)
            return last_start;
        // 7. \s+ : a single whitespace character before a non-space.
        return e;
    }

    const unsigned char* begin_;
    const unsigned char* pos_;
    const unsigned char* end_;
};

} // namespace rerank::tokenizer_detail
