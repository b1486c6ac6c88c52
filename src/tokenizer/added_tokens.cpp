#include "tokenizer/added_tokens.hpp"

#include <algorithm>
#include <cstring>

namespace rerank::tokenizer_detail {

void added_token_matcher::add(std::string_view content, std::uint32_t id) {
    if (content.empty())
        return;
    for (const token& t : tokens_)
        if (t.content == content)
            return;
    tokens_.push_back({std::string(content), id});
    std::stable_sort(tokens_.begin(), tokens_.end(), [](const token& a, const token& b) {
        return a.content.size() > b.content.size();
    });
    const auto first = static_cast<unsigned char>(content[0]);
    first_byte_[first] = true;
    const auto n = std::count(first_byte_.begin(), first_byte_.end(), true);
    single_first_byte_ = n == 1 ? first : -1;
}

bool added_token_matcher::find(std::string_view text, std::size_t from, match& out) const noexcept {
    const char* const data = text.data();
    const std::size_t size = text.size();
    std::size_t i = from;
    while (i < size) {
        if (single_first_byte_ >= 0) {
            const void* hit = std::memchr(data + i, single_first_byte_, size - i);
            if (!hit)
                return false;
            i = static_cast<std::size_t>(static_cast<const char*>(hit) - data);
        } else if (!first_byte_[static_cast<unsigned char>(data[i])]) {
            ++i;
            continue;
        }
        const std::string_view rest = text.substr(i);
        for (const token& t : tokens_) {
            if (rest.starts_with(t.content)) {
                out = {i, i + t.content.size(), t.id};
                return true;
            }
        }
        ++i;
    }
    return false;
}

} // namespace rerank::tokenizer_detail
