#include "codec/decode.hpp"

#include "codec/body_snippet.hpp"
#include "codec/dialect_wire.hpp"
#include "codec/json_reader.hpp"
#include "codec/response_handler.hpp"

namespace rerank::detail {

struct response_decoder::impl {
    // json_reader rather than boost::json::basic_parser: Boost 1.81 checks the UTF-8 of CJK text
    // at ~2 ns a byte and finishes any string holding an escape byte by byte (bench_codec:
    // 57 KB answers took 66-114 us), where json_reader skips an unwanted string at SSE2 speed.
    // The handler is the same for both; the tests run both and compare.
    response_handler handler;
    json_reader<response_handler> reader{handler};
    // seen[i] = 1 + the number of the result that had index i, 0 if none yet. Kept all zeros
    // between calls (only the marks set are cleared), so no call pays for the whole table.
    std::vector<std::uint32_t> seen;
    // Set while a decode may have left marks behind (an exception out of the handler).
    bool seen_dirty = false;
};

response_decoder::response_decoder()
    : impl_(std::make_unique<impl>()) {}
response_decoder::~response_decoder() = default;
response_decoder::response_decoder(response_decoder&&) noexcept = default;
response_decoder& response_decoder::operator=(response_decoder&&) noexcept = default;

namespace {

error_code reject(decoded_response& out, diagnostics& diag, std::string message,
                  const std::string& request_id) {
    diag.client_message = std::move(message);
    if (!request_id.empty())
        diag.request_id = request_id;
    out.clear();
    return errc::bad_response;
}

} // namespace

error_code response_decoder::decode(rerank::dialect d, std::string_view body,
                                    std::size_t document_count, std::optional<std::size_t> top_n,
                                    decoded_response& out, diagnostics& diag) {
    out.clear();
    // Where the dialect has no top_n field it was never sent: the server answers every document.
    const bool top_n_sent = top_n && !wire_of(d).top_n_key.empty();
    const std::size_t top = top_n_sent ? *top_n : document_count;
    const std::size_t expected = top < document_count ? top : document_count;
    // One allocation for a well-formed answer instead of one per doubling.
    out.results.reserve(expected);
    impl& state = *impl_;
    if (state.seen_dirty)
        std::fill(state.seen.begin(), state.seen.end(), 0);
    if (state.seen.size() < document_count)
        state.seen.resize(document_count);
    state.seen_dirty = true;

    response_handler& handler = state.handler;
    handler.start(d, document_count, out, state.seen);
    const bool parsed = state.reader.read(body);
    if (parsed)
        handler.finish();

    for (const wire_result& r : out.results)
        state.seen[r.index] = 0;
    state.seen_dirty = false;

    if (!parsed) {
        diag.body_snippet = make_body_snippet(body);
        return reject(out, diag,
                      body.empty()
                          ? std::string("the response body is empty")
                          : "the response is not valid JSON (" +
                                std::string(to_string(state.reader.error())) + " at byte " +
                                std::to_string(state.reader.error_offset()) + ")",
                      handler.request_id());
    }
    if (!handler.problem().empty()) {
        if (handler.not_an_object())
            diag.body_snippet = make_body_snippet(body);
        return reject(out, diag, handler.problem(), handler.request_id());
    }
    if (out.results.size() != expected) {
        std::string message = std::to_string(out.results.size()) + " results, expected " +
                              std::to_string(expected) + " (" + std::to_string(document_count) +
                              " documents";
        if (top_n_sent)
            message += ", top_n " + std::to_string(top);
        message += ")";
        return reject(out, diag, std::move(message), out.id);
    }
    return {};
}

} // namespace rerank::detail
