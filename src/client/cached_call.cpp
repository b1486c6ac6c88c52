// The score cache's part in a call: the thin layer over cache::call_lookup.
#include "client/rerank_call.hpp"

#include <utility>

namespace rerank::detail {

bool rerank_call::look_up_scores(response& out) {
    const rerank::limits limits = client_->configured_limits(model()); // item caps: never learned
    cache::key_fields fields;
    fields.dialect = client_->options.dialect;
    fields.base_url = client_->options.base_url;
    fields.model = model();
    if (request_.instruct)
        fields.instruct = *request_.instruct;
    fields.query = request_.query;
    if (limits.oversized_items == oversized_item_policy::client_truncates)
        fields.client_cut_tokens = limits.max_item_tokens;
    lookup_.run(*client_->scores, fields, request_, std::chrono::steady_clock::now());
    if (auto* watcher = client_->watcher)
        watcher->on_cache_lookup({observed_, lookup_.hits(), lookup_.misses().size()});

    // The ranking is cut here, over cached and fresh scores alike.
    sent_top_n_.reset();
    if (lookup_.misses().empty()) {
        lookup_.rank(request_, {}, out.results);
        out.model = std::string(model());
        out.cached = lookup_.hits();
        return true;
    }
    if (lookup_.hits() > 0) {
        misses_request_ = cache::call_lookup::misses_request(request_, lookup_.misses());
        sent_ = &*misses_request_;
    }
    return false;
}

void rerank_call::merge_cached_scores(response& out) {
    lookup_.store(*client_->scores, out.results, std::chrono::steady_clock::now());
    std::vector<result> fresh = std::move(out.results);
    lookup_.rank(request_, fresh, out.results);
    out.cached = lookup_.hits();
}

} // namespace rerank::detail
