#include "codec/result_order.hpp"

#include <algorithm>

namespace rerank::detail {

void sort_results(std::vector<rerank::result>& results) {
    // ranks_before is a total order on (score, index); results with the same index view the
    // same document, so elements it calls equal are identical and std::sort's output is the
    // same as a stable sort's, without stable_sort's temporary buffer.
    std::sort(results.begin(), results.end(), ranks_before);
}

} // namespace rerank::detail
