#include "batch/merge.hpp"

#include <boost/assert.hpp>

#include <algorithm>

namespace rerank::batching {
namespace {

// The ranking order: higher score first; ties go to the lower index (a strict total order, so
// the outcome does not depend on the algorithm or the order the parts arrived in).
bool ranks_before(const result& a, const result& b) noexcept {
    if (a.relevance_score != b.relevance_score)
        return a.relevance_score > b.relevance_score;
    return a.index < b.index;
}

error_code inconsistent(diagnostics& diag, const sub_response& part, std::string message) {
    diag.client_message = std::move(message);
    diag.request_id = part.request_id;
    return errc::bad_response;
}

} // namespace

error_code merge_responses(const request& req, std::vector<sub_response>&& parts,
                           std::optional<std::size_t> top_n, response& out, diagnostics& diag) {
    out = response{};
    std::sort(parts.begin(), parts.end(), [](const sub_response& a, const sub_response& b) {
        return a.range.first < b.range.first;
    });

    std::size_t total = 0;
    for (std::size_t p = 0; p != parts.size(); ++p) {
        const batch r = parts[p].range;
        BOOST_ASSERT_MSG(r.first + r.count <= req.documents.size(), "range beyond the documents");
        BOOST_ASSERT_MSG(p == 0 || parts[p - 1].range.first + parts[p - 1].range.count <= r.first,
                         "overlapping ranges");
        (void)r;
        total += parts[p].results.size();
    }

    // Each index at most once: the decoder checks within a sub-response, but a document seen
    // twice would otherwise come out twice, so it costs a bit per document to be sure.
    std::vector<bool> seen(req.documents.size());
    out.results.reserve(total);
    for (const sub_response& part : parts) {
        for (const sub_result& r : part.results) {
            if (r.index_in_batch >= part.range.count)
                return inconsistent(diag, part,
                                    "a sub-request of " + std::to_string(part.range.count) +
                                        " documents answered index " +
                                        std::to_string(r.index_in_batch));
            const std::size_t index = part.range.first + r.index_in_batch;
            if (seen[index])
                return inconsistent(diag, part,
                                    "document " + std::to_string(index) + " was ranked twice");
            seen[index] = true;
            out.results.push_back(result{index, r.relevance_score, {}});
        }
    }

    const std::size_t keep = top_n ? std::min(*top_n, total) : total;
    if (keep < total) {
        // Selection first: the top 10 of 20,000 sorts 10, not 20,000.
        std::nth_element(out.results.begin(), out.results.begin() + keep, out.results.end(),
                         ranks_before);
        out.results.resize(keep);
    }
    std::sort(out.results.begin(), out.results.end(), ranks_before);
    for (result& r : out.results)
        r.document = req.documents[r.index];

    out.request_ids.reserve(parts.size());
    for (sub_response& part : parts) {
        out.usage.total_tokens += part.total_tokens;
        out.request_ids.push_back(std::move(part.request_id));
    }
    if (!parts.empty()) {
        out.id = out.request_ids.front();
        out.model = std::move(parts.front().model);
    }
    out.requests = parts.size();
    return {};
}

} // namespace rerank::batching
