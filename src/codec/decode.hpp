// Decodes and checks a successful (HTTP 2xx) rerank response body, in either dialect.
#pragma once

#include <rerank/diagnostics.hpp>
#include <rerank/dialect.hpp>
#include <rerank/error.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rerank::detail {

/// One result as the server sent it; the document text is filled in later from the caller's
/// documents, by index.
struct wire_result {
    std::size_t index = 0;
    double relevance_score = 0;

    friend bool operator==(const wire_result&, const wire_result&) = default;
};

/// What a response said, once checked.
struct decoded_response {
    /// Compatible: `id` (else `request_id`); native: `request_id` (else `id`). May be empty.
    std::string id;
    /// `model`; may be empty (native responses often lack it).
    std::string model;
    /// In the order received (the server's, best first).
    std::vector<wire_result> results;
    /// `usage.total_tokens`, else `usage.input_tokens` or `meta.tokens.input_tokens`, else 0.
    std::uint64_t total_tokens = 0;

    /// Empties every field but keeps the capacity, so one object can be reused.
    void clear() noexcept {
        id.clear();
        model.clear();
        results.clear();
        total_tokens = 0;
    }
};

/// Decodes success bodies with a SAX reader (json_reader.hpp, events as in Boost.JSON's
/// basic_parser): no DOM; the echoed document texts are scanned past (validated as JSON strings,
/// not unescaped, copied nor UTF-8 checked: they are never used); unknown fields are skipped
/// anywhere. Reusable: the reader, its handler and the duplicate-index table keep their memory
/// between calls, so decoding allocates nothing once warm (beyond growing `out`'s strings and
/// vector the first times). `id` and `model` must be valid UTF-8.
///
/// Checks: the body is one JSON object with the dialect's results array — `results`
/// (DashScope compatible, Cohere, Jina-style), `output.results` (native), `data` (Voyage),
/// `rankings` (NIM) — or, for TEI, is itself that array; the array holds objects; each has an
/// integer `index` in [0, document_count) not seen before (an integral number such as 3.0
/// counts) and a finite number as its score — `relevance_score`, TEI's `score`, NIM's `logit`
/// (integers are scores too); there are `min(top_n, document_count)` results, or
/// `document_count` when `top_n` is unset or the dialect has no top_n field (TEI, NIM: the
/// client cuts the ranking itself). `document` (or TEI's `text`) may be absent, an object or a
/// string. Tokens: `usage.total_tokens` wins over `usage.input_tokens`, then
/// `meta.tokens.input_tokens` (Cohere) or `tokens.input_tokens` (SiliconFlow); each must be a
/// non-negative integer. Unknown members are ignored everywhere.
///
/// On failure returns `errc::bad_response` with `diag.client_message` naming the first problem
/// ("result 3: index 12 is out of range (10 documents)", "2 results, expected 3"),
/// `diag.request_id` when the body carried one, and `diag.body_snippet` (at most
/// `diagnostics::max_snippet_bytes`) when the body was not a JSON object. `out` is then empty.
/// Thread safety: one call at a time per decoder (one per connection, or per strand).
class response_decoder {
public:
    response_decoder();
    ~response_decoder();
    response_decoder(response_decoder&&) noexcept;
    response_decoder& operator=(response_decoder&&) noexcept;

    error_code decode(rerank::dialect d, std::string_view body, std::size_t document_count,
                      std::optional<std::size_t> top_n, decoded_response& out, diagnostics& diag);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace rerank::detail
