// Response decoding in every dialect: any body, any document count and top_n.
//
// Input: byte 0 picks the dialect (low bits, modulo the dialects: its position in
// rerank::all_dialects) and whether top_n is set (bit 7); byte 1 is the document count, byte 2
// the top_n; the rest is the body.
// (scripts/fuzz.sh makes the seeds from test/data/codec with these three bytes in front.)
//
// Required: no crash; an accepted response has min(top_n, documents) results (documents when
// top_n is unset), every index in [0, documents) and seen once, every score finite; a refused
// one is `bad_response` with a message, and leaves the output empty. Where the dialect has no
// top_n field (TEI, NIM) every document is expected whatever top_n says. One decoder is reused
// for every input, as the client reuses one per connection.
#include "codec/decode.hpp"
#include "codec/dialect_wire.hpp"
#include "fuzz_support.hpp"

#include <rerank/dialect.hpp>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace {

// Every dialect the decoder speaks, numbered as scripts/fuzz.sh numbers its seeds.
constexpr const auto& dialects = rerank::all_dialects;

[[noreturn]] void fail(const char* what, std::string_view body) {
    rerank::fuzz::fail("decode_response", what, body);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3)
        return 0;
    const rerank::dialect d = dialects[(data[0] & 0x7f) % std::size(dialects)];
    const std::size_t documents = data[1];
    const std::optional<std::size_t> top_n =
        (data[0] & 0x80) ? std::optional<std::size_t>(data[2]) : std::nullopt;
    const std::string_view body(reinterpret_cast<const char*>(data) + 3, size - 3);

    static rerank::detail::response_decoder decoder;
    static rerank::detail::decoded_response out; // reused too: capacity kept, contents not
    rerank::diagnostics diag;
    const rerank::error_code ec = decoder.decode(d, body, documents, top_n, out, diag);
    if (ec) {
        if (ec != rerank::errc::bad_response)
            fail("refused with an error other than bad_response", body);
        if (diag.client_message.empty())
            fail("refused without saying why", body);
        if (!out.results.empty() || !out.id.empty() || !out.model.empty() || out.total_tokens)
            fail("a refused response left output behind", body);
        rerank::fuzz::check_snippet("decode_response", diag, body);
        return 0;
    }
    const bool top_n_sent = top_n && !rerank::detail::wire_of(d).top_n_key.empty();
    const std::size_t expected = top_n_sent && *top_n < documents ? *top_n : documents;
    if (out.results.size() != expected)
        fail("accepted with the wrong number of results", body);
    std::vector<bool> seen(documents, false);
    for (const auto& r : out.results) {
        if (r.index >= documents)
            fail("accepted an index out of range", body);
        if (seen[r.index])
            fail("accepted a repeated index", body);
        seen[r.index] = true;
        if (!std::isfinite(r.relevance_score))
            fail("accepted a score that is not finite", body);
    }
    return 0;
}
