#include "batch/stated_limits.hpp"

#include "batch/format.hpp"

#include <algorithm>
#include <cctype>

namespace rerank::batching {
namespace {

bool same_letter(char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
}

// Where `words` first occurs in `text`, case-insensitively; npos if nowhere.
std::size_t find_words(std::string_view text, std::string_view words) {
    auto it = std::search(text.begin(), text.end(), words.begin(), words.end(), same_letter);
    return it == text.end() ? std::string_view::npos : static_cast<std::size_t>(it - text.begin());
}

// A number in a message: its value and the position just after it.
struct number_in_text {
    std::size_t value = 0;
    std::size_t end = 0;
};

// The number right after the first occurrence of `marker` (spaces between), written with or
// without thousands separators ("30000", "30,000", "30_000"). None when there is no digit
// there, when it is 0, or when it has more than 18 digits.
std::optional<number_in_text> number_after(std::string_view text, std::string_view marker) {
    std::size_t at = find_words(text, marker);
    if (at == std::string_view::npos)
        return std::nullopt;
    at += marker.size();
    while (at < text.size() && text[at] == ' ')
        ++at;
    number_in_text n;
    std::size_t digits = 0;
    std::size_t i = at;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c >= '0' && c <= '9') {
            if (++digits > 18)
                return std::nullopt;
            n.value = n.value * 10 + static_cast<std::size_t>(c - '0');
        } else if (!((c == ',' || c == '_') && digits != 0 && i + 1 < text.size() &&
                     text[i + 1] >= '0' && text[i + 1] <= '9')) {
            break;
        }
    }
    if (digits == 0 || n.value == 0)
        return std::nullopt;
    n.end = i;
    return n;
}

// "at most 1000 documents": the number after `marker`, when a word for documents follows it.
std::optional<std::size_t> documents_after(std::string_view text, std::string_view marker) {
    const auto n = number_after(text, marker);
    if (!n)
        return std::nullopt;
    std::string_view rest = text.substr(n->end);
    while (!rest.empty() && rest.front() == ' ')
        rest.remove_prefix(1);
    for (std::string_view noun : {"document", "passage", "text", "item"})
        if (find_words(rest.substr(0, noun.size()), noun) == 0)
            return n->value;
    return std::nullopt;
}

std::optional<std::size_t> value_after(std::string_view text, std::string_view marker) {
    const auto n = number_after(text, marker);
    return n ? std::optional<std::size_t>(n->value) : std::nullopt;
}

} // namespace

stated_limits parse_stated_limits(std::string_view m) noexcept {
    stated_limits out;
    if (find_words(m, "input length") != std::string_view::npos)
        out.max_request_tokens = value_after(m, "should be [1,");
    if (find_words(m, "batch size of documents") != std::string_view::npos)
        out.max_documents = value_after(m, "larger than");
    if (!out.max_documents)
        out.max_documents = value_after(m, "maximum allowed batch size");
    for (std::string_view marker : {"at most", "no more than", "maximum of", "not exceed"}) {
        if (out.max_documents)
            break;
        out.max_documents = documents_after(m, marker);
    }
    // "The number of documents 4 exceeds the maximum of 2", "too many documents: got 4, the
    // maximum is 2", "Too many documents: 4 > maximum allowed 2": the maximum of a message about
    // documents and not about tokens (a token count there could be per pair, not per request).
    const bool about_documents = (find_words(m, "document") != std::string_view::npos ||
                                  find_words(m, "passage") != std::string_view::npos) &&
                                 find_words(m, "token") == std::string_view::npos;
    for (std::string_view marker : {"the maximum is", "maximum of", "maximum allowed"}) {
        if (out.max_documents || !about_documents)
            break;
        out.max_documents = value_after(m, marker);
    }
    // "the request has 9,000 tokens, more than the maximum of 8,000": a cap per request.
    if (!out.max_request_tokens && find_words(m, "the request has") != std::string_view::npos)
        out.max_request_tokens = value_after(m, "more than the maximum of");
    return out;
}

bool lower_to(limits& lim, const stated_limits& stated) noexcept {
    bool changed = false;
    if (stated.max_documents && *stated.max_documents < lim.max_documents) {
        lim.max_documents = *stated.max_documents;
        changed = true;
    }
    if (stated.max_request_tokens && *stated.max_request_tokens < lim.max_request_tokens) {
        lim.max_request_tokens = *stated.max_request_tokens;
        changed = true;
    }
    return changed;
}

bool learned_limits_table::learn(std::string_view model, const stated_limits& stated) {
    if (!stated.any())
        return false;
    std::lock_guard lock(mutex_);
    auto it = by_model_.find(model);
    if (it == by_model_.end()) {
        by_model_.emplace(std::string(model), stated);
        return true;
    }
    bool lowered = false;
    auto lower = [&](std::optional<std::size_t>& known, std::optional<std::size_t> said) {
        if (said && (!known || *said < *known)) {
            known = said;
            lowered = true;
        }
    };
    lower(it->second.max_documents, stated.max_documents);
    lower(it->second.max_request_tokens, stated.max_request_tokens);
    return lowered;
}

std::pair<limits, bool> learned_limits_table::apply(std::string_view model, limits lim) const {
    std::lock_guard lock(mutex_);
    if (by_model_.empty())
        return {lim, false};
    auto it = by_model_.find(model);
    if (it == by_model_.end())
        return {lim, false};
    const bool changed = lower_to(lim, it->second);
    return {lim, changed};
}

stated_limits learned_limits_table::find(std::string_view model) const {
    std::lock_guard lock(mutex_);
    auto it = by_model_.find(model);
    return it == by_model_.end() ? stated_limits{} : it->second;
}

std::size_t learned_limits_table::size() const {
    std::lock_guard lock(mutex_);
    return by_model_.size();
}

std::string describe(const stated_limits& stated) {
    std::string out;
    if (stated.max_request_tokens)
        out = with_thousands(*stated.max_request_tokens) + " tokens per request";
    if (stated.max_documents)
        out += (out.empty() ? "" : " and ") + with_thousands(*stated.max_documents) +
               " documents per request";
    return out;
}

} // namespace rerank::batching
