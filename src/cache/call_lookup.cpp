#include "cache/call_lookup.hpp"

#include "codec/result_order.hpp"

#include <boost/assert.hpp>

#include <algorithm>
#include <utility>

namespace rerank::cache {

void call_lookup::run(detail::score_cache_state& cache, const key_fields& fields,
                      const request& req, time_point now) {
    const std::size_t n = req.documents.size();
    const score_key prefix = cache.keys.call_prefix(fields);
    keys_.resize(n);
    for (std::size_t i = 0; i != n; ++i)
        keys_[i] = cache.keys.document_key(prefix, req.documents[i]);
    scores_.assign(n, 0.0);
    misses_.clear();
    misses_.reserve(n); // no allocation under the lock
    cache.find_all(keys_, scores_, misses_, now);
}

request call_lookup::misses_request(const request& caller, std::span<const std::size_t> misses) {
    request out;
    out.query = caller.query;
    out.instruct = caller.instruct;
    out.model = caller.model;
    out.timeout = caller.timeout;
    out.return_documents = caller.return_documents;
    out.documents.reserve(misses.size());
    for (const std::size_t i : misses)
        out.documents.push_back(caller.documents[i]);
    return out;
}

void call_lookup::store(detail::score_cache_state& cache, std::span<const result> fresh,
                        time_point now) const {
    std::vector<std::pair<score_key, double>> scored;
    scored.reserve(fresh.size());
    for (const result& r : fresh) {
        BOOST_ASSERT(r.index < misses_.size());
        scored.emplace_back(keys_[misses_[r.index]], r.relevance_score);
    }
    cache.insert_all(scored, now);
}

void call_lookup::rank(const request& req, std::span<const result> fresh,
                       std::vector<result>& out) const {
    out.clear();
    out.reserve(hits() + fresh.size());
    auto next_miss = misses_.begin();
    for (std::size_t i = 0; i != keys_.size(); ++i) {
        if (next_miss != misses_.end() && *next_miss == i) {
            ++next_miss;
            continue;
        }
        out.push_back(result{i, scores_[i], {}});
    }
    for (const result& r : fresh) {
        BOOST_ASSERT(r.index < misses_.size());
        out.push_back(result{misses_[r.index], r.relevance_score, {}});
    }
    // The order response.hpp promises (a lambda, so that the comparison is inlined: through a
    // function pointer it was half the cost of ranking 100 results).
    const auto before = [](const result& a, const result& b) { return detail::ranks_before(a, b); };
    const std::size_t keep = req.top_n ? std::min(*req.top_n, out.size()) : out.size();
    if (keep < out.size()) {
        std::nth_element(out.begin(), out.begin() + keep, out.end(), before);
        out.resize(keep);
    }
    std::sort(out.begin(), out.end(), before);
    for (result& r : out)
        r.document = req.documents[r.index];
}

} // namespace rerank::cache
