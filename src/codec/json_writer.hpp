// A small JSON writer that appends straight into a std::string: no DOM, no intermediate buffers.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rerank::detail {

/// Appends `text` as a quoted JSON string (RFC 8259). `text` must already be valid UTF-8: it is
/// passed through byte for byte, except `"` and `\` (escaped with a backslash) and the control
/// characters below 0x20 (`\b \f \n \r \t`, others `\u00XX`). DEL (0x7F) and non-ASCII pass
/// through. Runs of safe bytes are found with `find_json_special` and copied in one append.
void append_json_string(std::string& out, std::string_view text);

/// The exact number of bytes `append_json_string(out, text)` appends (quotes included).
std::size_t json_string_size(std::string_view text) noexcept;

/// Where a `basic_json_writer` puts its output: appends to a string.
class string_sink {
public:
    explicit string_sink(std::string& out) noexcept
        : out_(&out) {}
    void raw(std::string_view s) { out_->append(s); }
    void raw(char c) { out_->push_back(c); }
    void quoted(std::string_view s) { append_json_string(*out_, s); }
    std::string& buffer() noexcept { return *out_; }

private:
    std::string* out_;
};

/// Where a `basic_json_writer` puts its output: only counts the bytes, so the exact size of a
/// document is computed by the very code that writes it.
class size_sink {
public:
    void raw(std::string_view s) noexcept { size_ += s.size(); }
    void raw(char) noexcept { ++size_; }
    void quoted(std::string_view s) noexcept { size_ += json_string_size(s); }
    std::size_t size() const noexcept { return size_; }

private:
    std::size_t size_ = 0;
};

/// Writes JSON tokens in order, inserting the commas. The caller is trusted with the structure
/// (a key before each object member, balanced begin/end); the writer does not check it.
/// Separators need no stack: a comma is due exactly when a value (or a closed container) was
/// the last thing written at the current level, and a key clears it for its value.
template <class Sink>
class basic_json_writer {
public:
    explicit basic_json_writer(Sink& sink) noexcept
        : sink_(sink) {}

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }

    /// An object member's key (escaped like any string) and the colon.
    void key(std::string_view k) {
        separate();
        sink_.quoted(k);
        sink_.raw(':');
        comma_due_ = false;
    }

    void string(std::string_view s) {
        separate();
        sink_.quoted(s);
        comma_due_ = true;
    }

    void number(std::uint64_t value) {
        separate();
        char digits[20];
        const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
        sink_.raw(std::string_view(digits, static_cast<std::size_t>(end - digits)));
        comma_due_ = true;
    }

    void boolean(bool value) {
        separate();
        sink_.raw(value ? std::string_view("true") : std::string_view("false"));
        comma_due_ = true;
    }

private:
    void separate() {
        if (comma_due_)
            sink_.raw(',');
    }
    void open(char c) {
        separate();
        sink_.raw(c);
        comma_due_ = false;
    }
    void close(char c) {
        sink_.raw(c);
        comma_due_ = true;
    }

    Sink& sink_;
    bool comma_due_ = false;
};

using json_writer = basic_json_writer<string_sink>;

} // namespace rerank::detail
