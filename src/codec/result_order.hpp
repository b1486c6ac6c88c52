// The order of results the library promises.
#pragma once

#include <rerank/response.hpp>

#include <vector>

namespace rerank::detail {

/// Whether `a` ranks before `b`: higher score first, ties by lower index (dashscope.md §5).
/// A strict total order on results with finite scores and distinct indices, so the order does
/// not depend on the input order (the batcher merges sub-requests in any order).
inline bool ranks_before(const rerank::result& a, const rerank::result& b) noexcept {
    if (a.relevance_score != b.relevance_score)
        return a.relevance_score > b.relevance_score;
    return a.index < b.index;
}

/// Sorts by `ranks_before`. The result is the same whatever the input order (a stable order:
/// only identical elements compare equal).
void sort_results(std::vector<rerank::result>& results);

} // namespace rerank::detail
