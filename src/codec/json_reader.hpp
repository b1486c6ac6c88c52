// A strict, validating JSON reader that calls a basic_parser-style SAX handler, made for
// response bodies whose bulk is text we throw away.
#pragma once

#include "codec/json_error.hpp"
#include "codec/json_escape_scan.hpp"
#include "codec/json_number.hpp"
#include "text/utf8.hpp"

#include <boost/json/error.hpp>
#include <boost/json/string_view.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rerank::detail {

/// Reads one JSON text (RFC 8259) and reports it to `Handler` with the same events, in the same
/// order, as `boost::json::basic_parser<Handler>` (a handler works with either), but fast where
/// Boost 1.81 is slow:
///  - strings are scanned 16 bytes at a time with SSE2, and escapes do not drop the scan to a
///    byte loop (Boost's does, for the rest of the string);
///  - a string value the handler does not want (`Handler::wants_string_value()` false: an echoed
///    document) is only validated, not unescaped or copied; its event carries the raw text
///    between the quotes, and its UTF-8 is not checked (its bytes are thrown away). Keys and
///    wanted values are unescaped and must be valid UTF-8.
/// Events get the whole string or key at once (never `on_*_part`); numbers get `on_int64`,
/// `on_uint64` or `on_double` as Boost chooses, with the number's text; a number too large for a
/// double is reported as +-infinity, too small as 0. Handler events returning false stop the
/// read (`json_error::syntax` is then not set: `stopped_by_handler()` is).
/// One reader can read many texts; its scratch buffer keeps its capacity.
template <class Handler>
class json_reader {
public:
    explicit json_reader(Handler& handler, std::size_t max_depth = 32) noexcept
        : h_(handler)
        , max_depth_(max_depth) {}

    /// Reads all of `text`; true if it is exactly one JSON value (surrounded by whitespace).
    bool read(std::string_view text) {
        begin_ = p_ = text.data();
        end_ = begin_ + text.size();
        error_ = json_error::none;
        error_at_ = nullptr;
        stopped_ = false;
        if (!h_.on_document_begin(ec_))
            return stop();
        skip_whitespace();
        if (!value(0))
            return false;
        skip_whitespace();
        if (p_ != end_)
            return fail(json_error::extra_data);
        return h_.on_document_end(ec_) || stop();
    }

    json_error error() const noexcept { return error_; }
    bool stopped_by_handler() const noexcept { return stopped_; }
    /// Byte offset in the text where the error was found.
    std::size_t error_offset() const noexcept {
        return static_cast<std::size_t>((error_at_ ? error_at_ : p_) - begin_);
    }

private:
    using sv = boost::json::string_view;

    bool fail(json_error e, const char* at = nullptr) noexcept {
        error_ = e;
        error_at_ = at ? at : p_;
        return false;
    }
    bool stop() noexcept {
        stopped_ = true;
        error_at_ = p_;
        return false;
    }

    void skip_whitespace() noexcept {
        while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t'))
            ++p_;
    }

    bool value(std::size_t depth) {
        if (p_ == end_)
            return fail(json_error::incomplete);
        switch (*p_) {
        case '{':
            return object(depth + 1);
        case '[':
            return array(depth + 1);
        case '"':
            return string(false);
        case 't':
            return literal("true") && (h_.on_bool(true, ec_) || stop());
        case 'f':
            return literal("false") && (h_.on_bool(false, ec_) || stop());
        case 'n':
            return literal("null") && (h_.on_null(ec_) || stop());
        default:
            return number();
        }
    }

    bool literal(std::string_view word) noexcept {
        const auto left = static_cast<std::size_t>(end_ - p_);
        const std::size_t n = left < word.size() ? left : word.size();
        for (std::size_t i = 0; i != n; ++i)
            if (p_[i] != word[i])
                return fail(json_error::syntax, p_ + i);
        if (n != word.size())
            return fail(json_error::incomplete, end_);
        p_ += word.size();
        return true;
    }

    bool object(std::size_t depth) {
        if (depth > max_depth_)
            return fail(json_error::too_deep);
        ++p_; // '{'
        if (!h_.on_object_begin(ec_))
            return stop();
        std::size_t members = 0;
        skip_whitespace();
        if (p_ != end_ && *p_ == '}') {
            ++p_;
            return h_.on_object_end(0, ec_) || stop();
        }
        for (;;) {
            if (p_ == end_)
                return fail(json_error::incomplete);
            if (*p_ != '"')
                return fail(json_error::syntax);
            if (!string(true))
                return false;
            skip_whitespace();
            if (p_ == end_)
                return fail(json_error::incomplete);
            if (*p_ != ':')
                return fail(json_error::syntax);
            ++p_;
            skip_whitespace();
            if (!value(depth))
                return false;
            ++members;
            skip_whitespace();
            if (p_ == end_)
                return fail(json_error::incomplete);
            if (*p_ == '}') {
                ++p_;
                return h_.on_object_end(members, ec_) || stop();
            }
            if (*p_ != ',')
                return fail(json_error::syntax);
            ++p_;
            skip_whitespace();
        }
    }

    bool array(std::size_t depth) {
        if (depth > max_depth_)
            return fail(json_error::too_deep);
        ++p_; // '['
        if (!h_.on_array_begin(ec_))
            return stop();
        std::size_t elements = 0;
        skip_whitespace();
        if (p_ != end_ && *p_ == ']') {
            ++p_;
            return h_.on_array_end(0, ec_) || stop();
        }
        for (;;) {
            if (!value(depth))
                return false;
            ++elements;
            skip_whitespace();
            if (p_ == end_)
                return fail(json_error::incomplete);
            if (*p_ == ']') {
                ++p_;
                return h_.on_array_end(elements, ec_) || stop();
            }
            if (*p_ != ',')
                return fail(json_error::syntax);
            ++p_;
            skip_whitespace();
        }
    }

    // A key, or a string value; p_ is on the opening quote.
    bool string(bool is_key) {
        const char* const first = ++p_;
        const bool decode = is_key || h_.wants_string_value();
        if (decode)
            scratch_.clear();
        const char* run = first; // start of the bytes not yet copied to scratch_
        for (;;) {
            const char* const stop_at = find_json_special(p_, end_);
            if (stop_at == end_)
                return fail(json_error::incomplete, end_);
            p_ = stop_at;
            if (*p_ == '"')
                break;
            if (*p_ != '\\')
                return fail(json_error::control_char);
            if (decode)
                scratch_.append(run, static_cast<std::size_t>(p_ - run));
            if (!escape(decode))
                return false;
            run = p_;
        }
        const char* const last = p_++; // past the closing quote
        sv text;
        if (decode && run != first) { // had escapes: the unescaped text is in scratch_
            scratch_.append(run, static_cast<std::size_t>(last - run));
            text = sv(scratch_.data(), scratch_.size());
        } else {
            text = sv(first, static_cast<std::size_t>(last - first));
        }
        if (decode && !all_ascii(text) &&
            !utf8::is_valid(std::string_view(text.data(), text.size())))
            return fail(json_error::invalid_utf8, first);
        const bool go_on =
            is_key ? h_.on_key(text, text.size(), ec_) : h_.on_string(text, text.size(), ec_);
        return go_on || stop();
    }

    // Keys and ids are short ASCII: an OR over the bytes beats a call to the full validator.
    static bool all_ascii(sv text) noexcept {
        unsigned char bits = 0;
        for (const char c : text)
            bits |= static_cast<unsigned char>(c);
        return bits < 0x80;
    }

    static int hex_value(char c) noexcept {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    }

    // Four hex digits at p_ + offset, or -1.
    long hex4(std::size_t offset) const noexcept {
        if (end_ - p_ < static_cast<std::ptrdiff_t>(offset + 4))
            return -2; // incomplete
        long v = 0;
        for (std::size_t i = 0; i != 4; ++i) {
            const int d = hex_value(p_[offset + i]);
            if (d < 0)
                return -1;
            v = v * 16 + d;
        }
        return v;
    }

    // p_ is on a backslash; moves past the escape, appending what it means to scratch_ if asked.
    bool escape(bool decode) {
        if (end_ - p_ < 2)
            return fail(json_error::incomplete, end_);
        char plain;
        switch (p_[1]) {
        case '"':
            plain = '"';
            break;
        case '\\':
            plain = '\\';
            break;
        case '/':
            plain = '/';
            break;
        case 'b':
            plain = '\b';
            break;
        case 'f':
            plain = '\f';
            break;
        case 'n':
            plain = '\n';
            break;
        case 'r':
            plain = '\r';
            break;
        case 't':
            plain = '\t';
            break;
        case 'u':
            return unicode_escape(decode);
        default:
            return fail(json_error::bad_escape);
        }
        if (decode)
            scratch_.push_back(plain);
        p_ += 2;
        return true;
    }

    bool unicode_escape(bool decode) {
        const long u1 = hex4(2);
        if (u1 < 0)
            return fail(u1 == -2 ? json_error::incomplete : json_error::bad_escape);
        std::uint32_t cp = static_cast<std::uint32_t>(u1);
        std::size_t length = 6;
        if (cp >= 0xDC00 && cp <= 0xDFFF)
            return fail(json_error::bad_surrogate);
        if (cp >= 0xD800 && cp <= 0xDBFF) { // needs a low surrogate right after
            if ((end_ - p_ > 6 && p_[6] != '\\') || (end_ - p_ > 7 && p_[7] != 'u'))
                return fail(json_error::bad_surrogate);
            const long u2 = hex4(8);
            if (u2 < 0)
                return fail(u2 == -2 ? json_error::incomplete : json_error::bad_escape);
            if (u2 < 0xDC00 || u2 > 0xDFFF)
                return fail(json_error::bad_surrogate);
            cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<std::uint32_t>(u2) - 0xDC00);
            length = 12;
        }
        if (decode)
            utf8::append(scratch_, static_cast<char32_t>(cp));
        p_ += length;
        return true;
    }

    bool number() {
        const char* const first = p_;
        json_number n;
        const json_error e = read_json_number(p_, end_, n);
        if (e != json_error::none)
            return fail(e);
        const sv text(first, static_cast<std::size_t>(p_ - first));
        bool go_on;
        switch (n.type) {
        case json_number::kind::int64:
            go_on = h_.on_int64(n.int64, text, ec_);
            break;
        case json_number::kind::uint64:
            go_on = h_.on_uint64(n.uint64, text, ec_);
            break;
        default:
            go_on = h_.on_double(n.floating, text, ec_);
            break;
        }
        return go_on || stop();
    }

    Handler& h_;
    std::size_t max_depth_;
    const char* begin_ = nullptr;
    const char* p_ = nullptr;
    const char* end_ = nullptr;
    const char* error_at_ = nullptr;
    json_error error_ = json_error::none;
    bool stopped_ = false;
    boost::json::error_code ec_; // handlers' out-parameter, as with basic_parser
    std::string scratch_;        // unescaped keys and wanted strings
};

} // namespace rerank::detail
