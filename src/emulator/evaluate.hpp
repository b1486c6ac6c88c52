// Decides what a request deserves: the routing, authentication, parsing and validation the real
// service of `options::dialect` performs, in its order. Pure (no I/O).
#pragma once

#include "emulator/parsed_request.hpp"

#include <rerank/dialect.hpp>
#include <rerank/emulator/options.hpp>

#include <boost/json/value.hpp>

#include <optional>
#include <string_view>

namespace rerank::emulator::detail {

/// The parts of an HTTP request that matter.
struct request_view {
    std::string_view method;
    std::string_view target;
    /// The `Authorization` field; nullopt when absent.
    std::optional<std::string_view> authorization;
    std::string_view body;
};

/// Everything learnt about a request before answering it.
struct evaluation {
    /// The dialect of the answer: the endpoint's, or for unknown paths the likeliest shape.
    rerank::dialect dialect = rerank::dialect::dashscope;
    /// The endpoint named by the path; nullopt for any other path.
    std::optional<rerank::dialect> route;
    /// The parsed body (null when it was not parsed or not JSON); `call` views into it.
    boost::json::value json;
    parsed_request call;
    /// `call` holds a well-formed request of `route`'s dialect (which may still break a limit).
    bool call_parsed = false;
    /// `count_call(...).total` of the call, when parsed: what `usage` reports and the quota
    /// books.
    std::size_t tokens = 0;
    /// Why the request is refused, the first reason in the service's order: unknown path (404),
    /// method other than POST (405), wrong key (401), malformed body (400), unknown model (404),
    /// empty input or a limit (400). nullopt: the request deserves a ranking.
    std::optional<api_error> error;
};

/// Fills `out` (which must be fresh; it is not returned because `call` views `out.json`).
void evaluate(const options& opts, const request_view& request, evaluation& out);

/// Whether `authorization` is `Bearer <api_key>` (the scheme case-insensitively). Always true
/// when `api_key` is empty.
bool authorized(std::string_view api_key, std::optional<std::string_view> authorization) noexcept;

} // namespace rerank::emulator::detail
