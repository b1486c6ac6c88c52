// The added tokens for the token-count estimator: found as added_token_matcher finds them
// (literally, leftmost-longest), faster, for literals shaped like Qwen's: "<" ... ">" with no
// other ">". A literal that matches at a "<" then ends at the first ">" after it, so at most one
// literal can match there, and it is the one of that length: one memchr for "<", one for ">" and
// a comparison, instead of comparing every literal at every "<" (code and HTML have many).
#pragma once

#include "tokenizer/added_tokens.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace rerank::tokenizer_detail::estimate {

class bracket_token_matcher {
public:
    struct literal {
        std::string_view content;
        std::uint32_t id;
    };
    using match = added_token_matcher::match;

    /// Registers a literal; false (and nothing registered) when it is not "<...>" with no other
    /// ">" (the caller then needs added_token_matcher).
    bool add(std::string_view content, std::uint32_t id) {
        if (content.size() < 2 || content.front() != '<' || content.back() != '>' ||
            content.find('>') != content.size() - 1)
            return false;
        for (const literal& l : literals_)
            if (l.content == content)
                return true; // a later duplicate is ignored, as added_token_matcher does
        literals_.push_back({content, id});
        longest_ = std::max(longest_, content.size());
        return true;
    }

    /// The leftmost-longest match in `text` starting at or after `from`, if any.
    bool find(std::string_view text, std::size_t from, match& out) const noexcept {
        const char* const data = text.data();
        const std::size_t size = text.size();
        for (std::size_t i = from; i < size;) {
            const auto* open = static_cast<const char*>(std::memchr(data + i, '<', size - i));
            if (open == nullptr)
                return false;
            const auto at = static_cast<std::size_t>(open - data);
            const std::size_t window = std::min(size - at, longest_);
            if (window > 1) {
                const auto* close =
                    static_cast<const char*>(std::memchr(open + 1, '>', window - 1));
                if (close != nullptr) {
                    const std::string_view candidate(open,
                                                     static_cast<std::size_t>(close - open) + 1);
                    for (const literal& l : literals_) {
                        if (l.content == candidate) {
                            out = {at, at + candidate.size(), l.id};
                            return true;
                        }
                    }
                }
            }
            i = at + 1;
        }
        return false;
    }

private:
    std::vector<literal> literals_; // views of static storage
    std::size_t longest_ = 0;
};

} // namespace rerank::tokenizer_detail::estimate
