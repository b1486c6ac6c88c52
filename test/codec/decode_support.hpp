// Helpers shared by the decode tests.
#pragma once

#include "codec/decode.hpp"
#include "codec/response_handler.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace rerank::test {

/// The outcome of one decode, for BOOST_TEST.
struct decode_outcome {
    error_code ec;
    detail::decoded_response out;
    diagnostics diag;
};

inline decode_outcome decode(dialect d, std::string_view body, std::size_t documents,
                             std::optional<std::size_t> top_n = std::nullopt) {
    // One decoder for every test, reused from body to body as the client reuses its own
    // (rerank_call.cpp): what one body leaves in it must not leak into the next outcome.
    static detail::response_decoder decoder;
    decode_outcome o;
    o.ec = decoder.decode(d, body, documents, top_n, o.out, o.diag);
    return o;
}

/// The same handler driven by boost::json::basic_parser: results, id and first problem (before
/// the count check, which is decode.cpp's) must match what json_reader drives it to.
struct boost_handler_outcome {
    bool parsed = false;
    std::string problem;
    detail::decoded_response out;
};

inline boost_handler_outcome decode_with_boost(dialect d, std::string_view body,
                                               std::size_t documents) {
    boost_handler_outcome o;
    std::vector<std::uint32_t> seen(documents, 0);
    boost::json::basic_parser<detail::response_handler> parser{boost::json::parse_options{}};
    parser.handler().start(d, documents, o.out, seen);
    boost::json::error_code ec;
    const std::size_t n = parser.write_some(false, body.data(), body.size(), ec);
    o.parsed = !ec && n == body.size();
    if (o.parsed) {
        parser.handler().finish();
        o.problem = parser.handler().problem();
    }
    return o;
}

} // namespace rerank::test
