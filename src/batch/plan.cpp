// Planning sub-requests: greedy filling in document order, counting tokens exactly only where
// upper bounds cannot decide whether a document fits.
#include <rerank/batch_plan.hpp>

#include "batch/format.hpp"
#include "batch/json_size.hpp"
#include "batch/truncate.hpp"

#include <boost/assert.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

namespace rerank {
namespace {

using batching::with_thousands;

// What one document costs in a request, as far as the planner knows. Each measure starts as an
// upper bound and is made exact at most once.
struct document_cost {
    std::uint64_t tokens = 0; // min(tokens, max_item_tokens)
    std::uint64_t body = 0;   // bytes it adds to the JSON `documents` array
    bool tokens_exact = false;
    bool body_exact = false;
};

// Why a document does not join the current batch.
enum class fit { yes, over_documents, over_body, over_tokens };

class planner {
public:
    planner(const request& req, const limits& lim, const token_counter& counter, batch_plan& out,
            diagnostics& diag)
        : req_(req)
        , lim_(lim)
        , counter_(counter)
        , out_(out)
        , diag_(diag) {}

    error_code run() {
        error_code ec = check_inputs();
        if (!ec && one_request_by_quick_bounds())
            return {};
        if (!ec)
            ec = price_query();
        if (!ec)
            ec = price_envelope();
        if (!ec)
            ec = fill_batches();
        if (ec)
            out_ = batch_plan{};
        return ec;
    }

private:
    error_code fail(std::string message) {
        diag_.client_message = std::move(message);
        return errc::invalid_request;
    }

    error_code check_inputs() {
        if (req_.documents.empty())
            return fail("the request has no documents");
        if (!counter_.exact)
            return fail("token_counter::exact is not set");
        if (lim_.max_documents == 0 || lim_.max_request_tokens == 0 || lim_.max_item_tokens == 0 ||
            lim_.max_body_bytes == 0)
            return fail("limits: max_documents, max_request_tokens, max_item_tokens and "
                        "max_body_bytes must be above 0");
        if (!(lim_.safety_margin >= 0 && lim_.safety_margin < 1))
            return fail("limits::safety_margin must be in [0, 1), not " +
                        std::to_string(lim_.safety_margin));
        budget_ = lim_.request_token_budget();
        if (budget_ == 0)
            return fail("limits leave no tokens per request once the safety margin is kept free");
        cap_ = lim_.max_item_tokens;
        return {};
    }

    // The usual call, settled in one pass of the quick bound (a scan for non-ASCII bytes for
    // Qwen3) instead of per-item bounds: when even the quick bounds and 6 bytes of JSON per
    // byte keep the whole request within every limit, it goes as one request as it is.
    bool one_request_by_quick_bounds() {
        const auto& quick = counter_.quick_bound;
        const std::size_t n = req_.documents.size();
        if (!quick || n > lim_.max_documents)
            return false;
        std::uint64_t query = quick(req_.query);
        if (query > cap_)
            return false;
        if (req_.instruct)
            query += quick(*req_.instruct);
        const std::uint64_t envelope = envelope_bytes(
            req_.query, [](std::string_view t) { return batching::json_escaped_size_cheap(t); });
        if (query > budget_ || (query != 0 && n > budget_ / query))
            return false;
        std::uint64_t tokens = query * n; // <= budget_: no overflow below
        std::uint64_t body = envelope;
        for (const std::string& doc : req_.documents) {
            const std::uint64_t t = quick(doc);
            if (t > cap_ || t > budget_ - tokens)
                return false;
            tokens += t;
            body += batching::json_escaped_size_cheap(doc) + batching::json_document_overhead;
            if (body > lim_.max_body_bytes)
                return false;
        }
        out_.batches.push_back(batch{0, n});
        out_.batch_tokens.push_back(tokens);
        out_.query_tokens = query;
        out_.query_tokens_exact = false;
        return true;
    }

    // An item's tokens by its upper bound, or exactly when there is no bound or when the policy
    // must know whether the item is over the cap. Sets `exact` accordingly.
    std::uint64_t first_count(std::string_view text, bool& exact) {
        exact = !counter_.upper_bound;
        std::uint64_t n = exact ? counter_.exact(text) : counter_.upper_bound(text);
        if (!exact && n > cap_ && lim_.oversized_items != oversized_item_policy::server_truncates) {
            n = counter_.exact(text);
            exact = true;
        }
        return n;
    }

    // Applies the oversized-item policy to an item whose exact count `n` is over the cap: an
    // error under `refuse`, the prefix length to send under `client_truncates`.
    error_code over_cap(std::string_view text, std::uint64_t n, const std::string& what,
                        std::optional<std::size_t>& send_bytes) {
        if (lim_.oversized_items == oversized_item_policy::refuse)
            return fail(what + " has " + with_thousands(n) + " tokens, over the " +
                        with_thousands(cap_) + "-token limit per item");
        if (lim_.oversized_items == oversized_item_policy::client_truncates)
            send_bytes = batching::token_prefix_bytes(text, cap_, counter_);
        return {};
    }

    error_code price_query() {
        std::uint64_t n = first_count(req_.query, query_exact_);
        if (query_exact_ && n > cap_) {
            if (error_code ec = over_cap(req_.query, n, "the query", out_.query_bytes))
                return ec;
        }
        query_tokens_ = std::min(n, cap_);
        // The instruct has no cap of its own: whether it counts toward the query's 4,000 is not
        // documented, so it is counted in full, on top.
        instruct_exact_ = true;
        instruct_tokens_ = 0;
        if (req_.instruct) {
            instruct_exact_ = !counter_.upper_bound;
            instruct_tokens_ = instruct_exact_ ? counter_.exact(*req_.instruct)
                                               : counter_.upper_bound(*req_.instruct);
        }
        return {};
    }

    error_code price_envelope() {
        const std::uint64_t envelope =
            envelope_bytes(out_.query_text(req_), batching::json_escaped_size);
        if (envelope >= lim_.max_body_bytes)
            return fail("the query and instruct alone take " + with_thousands(envelope) +
                        " bytes of JSON, over the " + with_thousands(lim_.max_body_bytes) +
                        "-byte limit of a request body");
        body_budget_ = lim_.max_body_bytes - envelope;
        return {};
    }

    error_code price_document(std::size_t i) {
        document_cost& c = costs_[i];
        std::string_view text = req_.documents[i];
        std::uint64_t n = first_count(text, c.tokens_exact);
        if (c.tokens_exact && n > cap_) {
            std::optional<std::size_t> send_bytes;
            if (error_code ec = over_cap(text, n, "document " + std::to_string(i), send_bytes))
                return ec;
            if (send_bytes) {
                if (out_.document_bytes.empty()) {
                    out_.document_bytes.reserve(req_.documents.size());
                    for (const std::string& d : req_.documents)
                        out_.document_bytes.push_back(d.size());
                }
                out_.document_bytes[i] = *send_bytes;
                text = text.substr(0, *send_bytes);
            }
        }
        c.tokens = std::min(n, cap_);
        c.body = batching::json_escaped_size_cheap(text) + batching::json_document_overhead;
        c.body_exact = text.empty();
        return {};
    }

    // JSON bytes of a body beside its documents: field names and the like, the query as sent,
    // the instruct, the model; each text measured by `escaped` (a bound or the exact size).
    template <class EscapedSize>
    std::uint64_t envelope_bytes(std::string_view query, EscapedSize escaped) const {
        std::uint64_t bytes = batching::json_envelope_reserve + escaped(query);
        if (req_.instruct)
            bytes += escaped(*req_.instruct);
        if (req_.model)
            bytes += escaped(*req_.model);
        return bytes;
    }

    std::uint64_t query_cost() const { return query_tokens_ + instruct_tokens_; }

    std::uint64_t tokens_with(std::size_t j) const {
        return (count_ + 1) * query_cost() + doc_tokens_ + costs_[j].tokens;
    }

    void measure_body(std::size_t i) {
        document_cost& c = costs_[i];
        c.body = batching::json_escaped_size(out_.document_text(req_, i)) +
                 batching::json_document_overhead;
        c.body_exact = true;
    }

    void count_tokens(std::size_t i) {
        document_cost& c = costs_[i];
        // Documents not yet exact were never cut: their bound was within the cap.
        const std::uint64_t n = std::min<std::uint64_t>(counter_.exact(req_.documents[i]), cap_);
        BOOST_ASSERT_MSG(n <= c.tokens, "token_counter::upper_bound is below the exact count");
        c.tokens = n;
        c.tokens_exact = true;
    }

    // One step that makes the body estimate of batch + j smaller; false when all is exact.
    bool refine_body(std::size_t j) {
        if (!costs_[j].body_exact) {
            measure_body(j);
            return true;
        }
        for (const std::size_t end = first_ + count_; body_cursor_ != end;) {
            const std::size_t i = body_cursor_++;
            if (!costs_[i].body_exact) {
                body_ -= costs_[i].body;
                measure_body(i);
                body_ += costs_[i].body;
                return true;
            }
        }
        return false;
    }

    // One step that makes the token estimate of batch + j smaller: the query first (it weighs
    // once per document), then j, then the batch in order. False when all is exact.
    bool refine_tokens(std::size_t j) {
        if (!query_exact_ || !instruct_exact_) {
            if (!query_exact_)
                query_tokens_ = std::min<std::uint64_t>(counter_.exact(req_.query), cap_);
            if (!instruct_exact_)
                instruct_tokens_ = counter_.exact(*req_.instruct);
            query_exact_ = instruct_exact_ = true;
            return true;
        }
        if (!costs_[j].tokens_exact) {
            count_tokens(j);
            return true;
        }
        for (const std::size_t end = first_ + count_; token_cursor_ != end;) {
            const std::size_t i = token_cursor_++;
            if (!costs_[i].tokens_exact) {
                doc_tokens_ -= costs_[i].tokens;
                count_tokens(i);
                doc_tokens_ += costs_[i].tokens;
                return true;
            }
        }
        return false;
    }

    // Whether document j can join the current batch, making estimates exact as needed. The
    // cheap checks come first: the document cap needs no counting, a body scan is far cheaper
    // than tokenizing.
    fit try_add(std::size_t j) {
        if (count_ + 1 > lim_.max_documents)
            return fit::over_documents;
        while (body_ + costs_[j].body > body_budget_) {
            if (!refine_body(j))
                return fit::over_body;
        }
        while (tokens_with(j) > budget_) {
            if (!refine_tokens(j))
                return fit::over_tokens;
        }
        return fit::yes;
    }

    void close_batch() {
        out_.batches.push_back(batch{first_, count_});
        out_.batch_tokens.push_back(count_ * query_cost() + doc_tokens_);
        first_ += count_;
        count_ = 0;
        doc_tokens_ = 0;
        body_ = 0;
        token_cursor_ = body_cursor_ = first_;
    }

    error_code cannot_fit(std::size_t j, fit why) {
        const std::string doc = "document " + std::to_string(j);
        if (why == fit::over_body)
            return fail(doc + " takes " + with_thousands(costs_[j].body) +
                        " bytes of JSON but beside the query only " + with_thousands(body_budget_) +
                        " fit in a request body of at most " + with_thousands(lim_.max_body_bytes) +
                        " bytes");
        BOOST_ASSERT(why == fit::over_tokens);
        const std::uint64_t q = query_cost();
        const std::string budget = " (budget " + with_thousands(budget_) + " of " +
                                   with_thousands(lim_.max_request_tokens) + " tokens)";
        if (q >= budget_)
            return fail("the query and instruct need " + with_thousands(q) +
                        " tokens per document, leaving nothing for " + doc + budget);
        return fail(doc + " needs " + with_thousands(costs_[j].tokens) + " tokens but with a " +
                    with_thousands(q) + "-token query only " + with_thousands(budget_ - q) +
                    " fit per request" + budget);
    }

    // Greedy: each batch takes documents in order while they fit. Optimal for contiguous
    // splits: every limit is monotone (a sub-range of a fitting range fits), so if some split
    // ends its k-th batch at e, the greedy one ends its k-th batch at e or later (by induction:
    // its (k-1)-th ends no earlier than the other's, so the rest of that range up to e fits).
    error_code fill_batches() {
        const std::size_t n = req_.documents.size();
        costs_.resize(n);
        for (std::size_t j = 0; j != n; ++j) {
            if (error_code ec = price_document(j))
                return ec;
            fit f = try_add(j);
            if (f != fit::yes && count_ != 0) {
                close_batch();
                f = try_add(j);
            }
            if (f != fit::yes)
                return cannot_fit(j, f);
            ++count_;
            doc_tokens_ += costs_[j].tokens;
            body_ += costs_[j].body;
        }
        close_batch();
        out_.query_tokens = query_cost();
        out_.query_tokens_exact = query_exact_ && instruct_exact_;
        return {};
    }

    const request& req_;
    const limits& lim_;
    const token_counter& counter_;
    batch_plan& out_;
    diagnostics& diag_;

    std::uint64_t cap_ = 0;         // max_item_tokens
    std::uint64_t budget_ = 0;      // tokens per request
    std::uint64_t body_budget_ = 0; // bytes per request for the documents array

    std::uint64_t query_tokens_ = 0; // min(query, cap)
    std::uint64_t instruct_tokens_ = 0;
    bool query_exact_ = false;
    bool instruct_exact_ = false;

    std::vector<document_cost> costs_;

    // The batch being filled: documents [first_, first_ + count_).
    std::size_t first_ = 0;
    std::size_t count_ = 0;
    std::uint64_t doc_tokens_ = 0;
    std::uint64_t body_ = 0;
    // Documents of the batch before a cursor are exact in that measure.
    std::size_t token_cursor_ = 0;
    std::size_t body_cursor_ = 0;
};

} // namespace

error_code plan_batches(const request& req, const limits& lim, const token_counter& counter,
                        batch_plan& out, diagnostics& diag) {
    out = batch_plan{};
    return planner(req, lim, counter, out, diag).run();
}

} // namespace rerank
