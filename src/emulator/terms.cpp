#include "emulator/terms.hpp"

#include "text/utf8.hpp"

namespace rerank::emulator::detail {
namespace {

bool is_ascii_alnum(unsigned char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Length of the UTF-8 sequence starting at text[pos], or 1 when it is not a well-formed one (a
// stray continuation byte, a truncated or overlong sequence): such bytes become one-byte terms
// of their own.
std::size_t code_point_length(std::string_view text, std::size_t pos) noexcept {
    const auto* const p = reinterpret_cast<const unsigned char*>(text.data()) + pos;
    const std::size_t length = utf8::sequence_length(p, p + (text.size() - pos));
    return length == 0 ? 1 : length;
}

} // namespace

std::optional<std::string_view> term_reader::next() {
    while (pos_ < text_.size()) {
        const auto c = static_cast<unsigned char>(text_[pos_]);
        if (c >= 0x80) {
            const std::size_t length = code_point_length(text_, pos_);
            const std::string_view term = text_.substr(pos_, length);
            pos_ += length;
            return term;
        }
        if (!is_ascii_alnum(c)) {
            ++pos_;
            continue;
        }
        const std::size_t start = pos_;
        bool has_upper = false;
        while (pos_ < text_.size() && is_ascii_alnum(static_cast<unsigned char>(text_[pos_]))) {
            has_upper = has_upper || (text_[pos_] >= 'A' && text_[pos_] <= 'Z');
            ++pos_;
        }
        const std::string_view word = text_.substr(start, pos_ - start);
        if (!has_upper)
            return word;
        lowered_.assign(word);
        for (char& ch : lowered_)
            if (ch >= 'A' && ch <= 'Z')
                ch = static_cast<char>(ch - 'A' + 'a');
        return std::string_view(lowered_);
    }
    return std::nullopt;
}

std::vector<std::string> split_terms(std::string_view text) {
    std::vector<std::string> terms;
    term_reader reader(text);
    while (auto term = reader.next())
        terms.emplace_back(*term);
    return terms;
}

} // namespace rerank::emulator::detail
