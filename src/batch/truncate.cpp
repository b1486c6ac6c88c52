#include "batch/truncate.hpp"

#include "text/utf8.hpp"

#include <algorithm>

namespace rerank::batching {
std::size_t token_prefix_bytes(std::string_view text, std::size_t max_tokens,
                               const token_counter& counter) {
    if (counter.prefix_bytes) {
        const std::size_t cut = counter.prefix_bytes(text, max_tokens);
        const std::size_t at = utf8::floor_boundary(text, cut);
        // Clamping can move the cut back (the Qwen3 tokenizer cuts invalid UTF-8 between stray
        // continuation bytes, each a character to it), and a shorter prefix may hold more
        // tokens ("throug" takes more than "through"): then check, and search if it is over.
        if (at == cut || counter.exact(text.substr(0, at)) <= max_tokens)
            return at;
    }

    // Invariant: prefix(lo) fits (the empty prefix does), prefix(hi) does not (the whole text
    // does not, by the precondition).
    std::size_t lo = 0;
    std::size_t hi = text.size();
    while (hi - lo > 1) {
        std::size_t mid = utf8::floor_boundary(text, lo + (hi - lo) / 2);
        if (mid <= lo) { // no boundary in (lo, middle]: take the first one after lo
            mid = lo + 1;
            while (mid < hi && !utf8::is_lead(static_cast<unsigned char>(text[mid])))
                ++mid;
            if (mid >= hi)
                break;
        }
        if (counter.exact(text.substr(0, mid)) <= max_tokens)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

} // namespace rerank::batching
