// Requests and answers of every dialect, over raw HTTP, for the emulator's dialect tests.
#pragma once

#include "client.hpp"

#include <rerank/dialect.hpp>

#include <string>
#include <vector>

namespace rerank::emulator::test {

/// The dialects other than DashScope's, each served alone.
inline constexpr rerank::dialect provider_dialects[] = {
    rerank::dialect::cohere, rerank::dialect::jina, rerank::dialect::voyage, rerank::dialect::tei,
    rerank::dialect::nim};

/// The real endpoint path of `d` ("/v2/rerank", "/v1/rerank", "/rerank", "/v1/ranking").
std::string endpoint_of(rerank::dialect d);

/// A request body of `d` ranking `documents` for `query` (model: `options_for(d)`'s first;
/// TEI: none), with `extra`'s fields added.
json::object dialect_body(rerank::dialect d, std::string_view query,
                          const std::vector<std::string>& documents, json::object extra = {});

/// The results array of a success body of `d`.
const json::array& results_of(rerank::dialect d, const json::value& body);
/// The score of one result of `d` (`relevance_score`, TEI's `score`, NIM's `logit`).
double score_of(rerank::dialect d, const json::value& result);
/// The message of an error body of `d` (Cohere `message`, vLLM `error.message`, Voyage
/// `detail`, TEI and NIM `error`).
std::string error_message(rerank::dialect d, const exchange_result& r);

/// A started server of `opts`, and one-shot requests to it.
struct dialect_server {
    explicit dialect_server(options opts);
    exchange_result call(http::request<http::string_body> request);
    /// POSTs `body` to the dialect's endpoint with the server's key.
    exchange_result rank(const json::object& body);
    rerank::dialect dialect() const { return *s.options().dialect; }
    server s;
};

/// `options_for(d)` counting tokens as UTF-8 bytes (easy arithmetic in tests).
options byte_counting(rerank::dialect d);

} // namespace rerank::emulator::test
