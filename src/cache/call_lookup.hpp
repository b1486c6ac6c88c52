// One call's use of the score cache: look every document up, say what to send, store the fresh
// scores and rank cached and fresh ones together. Pure apart from the cache's lock; time comes
// from the caller.
#pragma once

#include "cache/score_cache_state.hpp"

#include <rerank/request.hpp>
#include <rerank/response.hpp>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace rerank::cache {

class call_lookup {
public:
    using time_point = detail::score_cache_state::time_point;

    /// Looks up every document of `req` (validated) under `fields`.
    /// Duplicate documents are looked up (and, when missed, sent) each, as without a cache.
    void run(detail::score_cache_state& cache, const key_fields& fields, const request& req,
             time_point now);

    std::size_t documents() const noexcept { return keys_.size(); }
    std::size_t hits() const noexcept { return keys_.size() - misses_.size(); }
    /// Indices of the caller's documents to send, ascending.
    std::span<const std::size_t> misses() const noexcept { return misses_; }

    /// The request for the misses when some documents were hits: the caller's query, instruct,
    /// model, timeout and return_documents, the missed documents (copied: the wire format
    /// takes contiguous strings), and no `top_n`: every miss's score is wanted, to rank it
    /// against the cached ones and to cache it (with `top_n` the server would return only
    /// the best of the misses, and the others would miss again next time).
    static request misses_request(const request& caller, std::span<const std::size_t> misses);

    /// Stores the scores of a successful answer to the misses: `fresh[k].index` is a position
    /// in `misses()`.
    void store(detail::score_cache_state& cache, std::span<const result> fresh,
               time_point now) const;

    /// The call's ranking: cached and fresh scores, indices and document views the caller's
    /// (`req.documents`), ordered by score descending then index ascending, cut to `top_n`.
    /// `fresh` as for `store`.
    void rank(const request& req, std::span<const result> fresh, std::vector<result>& out) const;

private:
    std::vector<score_key> keys_;
    std::vector<double> scores_; // per document; meaningful for hits
    std::vector<std::size_t> misses_;
};

} // namespace rerank::cache
