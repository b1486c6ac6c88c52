// The planner (plan_batches): random documents, query, instruct and limits, the Qwen3 counter
// with or without its optional bounds.
//
// Input: read with FuzzedDataProvider: the limits and flags from the end, then the query and
// the documents as strings (at most 64 documents).
//
// Required: no crash; a refusal is `invalid_request` with a message and no batches; an
// accepted plan covers every document exactly once, in order, and every sub-request is within
// every limit under exact Qwen3 counts: documents, tokens (query × documents + documents, each
// item at most max_item_tokens, the instruct with the query) and the body bytes (the planner's
// JSON measure, batch/json_size.hpp). Under client_truncates every item sent fits the item
// limit; under the other policies nothing is cut.
#include "batch/json_size.hpp"
#include "fuzz_support.hpp"

#include <rerank/batch_plan.hpp>
#include <rerank/qwen3_tokenizer.hpp>

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace rerank;

[[noreturn]] void fail(const char* what, const request& req) {
    std::string input = "query: " + req.query + "\n";
    for (const auto& d : req.documents)
        input += "document: " + d + "\n";
    fuzz::fail("batch_plan", what, input);
}

limits random_limits(FuzzedDataProvider& in) {
    limits lim;
    lim.max_item_tokens = in.ConsumeBool() ? 4000 : in.ConsumeIntegralInRange<std::size_t>(1, 300);
    const std::size_t cap = lim.max_item_tokens;
    lim.max_documents = in.ConsumeBool() ? 500 : in.ConsumeIntegralInRange<std::size_t>(1, 64);
    lim.max_request_tokens = in.ConsumeBool()
                                 ? 120000
                                 : cap * in.ConsumeIntegralInRange<std::size_t>(1, 12) +
                                       in.ConsumeIntegralInRange<std::size_t>(0, cap);
    static constexpr double margins[] = {0, 0.02, 0.1, 0.3};
    lim.safety_margin = margins[in.ConsumeIntegralInRange<std::size_t>(0, 3)];
    if (in.ConsumeBool())
        lim.max_body_bytes = 1024 + in.ConsumeIntegralInRange<std::size_t>(0, 8192);
    lim.oversized_items = static_cast<oversized_item_policy>(in.ConsumeIntegralInRange<int>(0, 2));
    return lim;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const limits lim = random_limits(in);
    token_counter counter = qwen3_token_counter();
    if (in.ConsumeBool())
        counter.upper_bound = nullptr;
    if (in.ConsumeBool())
        counter.quick_bound = nullptr;
    if (in.ConsumeBool())
        counter.prefix_bytes = nullptr;
    request req;
    if (in.ConsumeBool())
        req.instruct = in.ConsumeRandomLengthString(64);
    if (in.ConsumeBool())
        req.model = "qwen3-rerank";
    req.query = in.ConsumeRandomLengthString(256);
    while (in.remaining_bytes() != 0 && req.documents.size() != 64)
        req.documents.push_back(in.ConsumeRandomLengthString(512));

    batch_plan plan;
    diagnostics diag;
    const error_code ec = plan_batches(req, lim, counter, plan, diag);
    if (ec) {
        if (ec != errc::invalid_request || diag.client_message.empty() || !plan.batches.empty())
            fail("refused without invalid_request, a message and an empty plan", req);
        return 0;
    }

    const qwen3_tokenizer& tokenizer = qwen3_tokenizer::builtin();
    const std::size_t cap = lim.max_item_tokens;
    const bool cut = lim.oversized_items == oversized_item_policy::client_truncates;
    const auto item_tokens = [&](std::string_view sent) {
        const std::size_t t = tokenizer.count(sent);
        if (cut && t > cap)
            fail("client_truncates sent an item over the item limit", req);
        return std::min(t, cap);
    };
    if (!cut && (plan.query_bytes || !plan.document_bytes.empty()))
        fail("an item cut under a policy that does not cut", req);
    if (!plan.document_bytes.empty() && plan.document_bytes.size() != req.documents.size())
        fail("document_bytes is neither empty nor one per document", req);

    // The query weighs min(its tokens, the item limit) + the instruct's, as `limits` says, also
    // when client_truncates sends a prefix of it (whose tokens may be fewer).
    const std::string_view query = plan.query_text(req);
    (void)item_tokens(query);
    const std::size_t q = std::min(tokenizer.count(req.query), cap) +
                          (req.instruct ? tokenizer.count(*req.instruct) : 0);
    if (plan.query_tokens < q || (plan.query_tokens_exact && plan.query_tokens != q))
        fail("query_tokens below the exact count, or called exact and not", req);
    const std::size_t envelope = batching::json_envelope_reserve +
                                 batching::json_escaped_size(query) +
                                 (req.instruct ? batching::json_escaped_size(*req.instruct) : 0) +
                                 (req.model ? batching::json_escaped_size(*req.model) : 0);
    std::size_t next = 0;
    for (const batch& b : plan.batches) {
        if (b.first != next || b.count == 0 || b.count > req.documents.size() - b.first)
            fail("batches do not cover the documents once each, in order", req);
        if (b.count > lim.max_documents)
            fail("a batch over max_documents", req);
        std::size_t tokens = b.count * q;
        std::size_t bytes = envelope;
        for (std::size_t i = b.first; i != b.first + b.count; ++i) {
            const std::string_view sent = plan.document_text(req, i);
            tokens += item_tokens(sent);
            bytes += batching::json_escaped_size(sent) + batching::json_document_overhead;
        }
        if (tokens > lim.request_token_budget())
            fail("a batch over the token budget", req);
        if (bytes > lim.max_body_bytes)
            fail("a batch over max_body_bytes", req);
        next += b.count;
    }
    if (next != req.documents.size())
        fail("batches do not cover every document", req);
    return 0;
}
