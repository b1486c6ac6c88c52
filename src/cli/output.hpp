// What `rerank` prints, and its exit codes.
#pragma once

#include "cli/cli_options.hpp"

#include <rerank/diagnostics.hpp>
#include <rerank/error.hpp>
#include <rerank/response.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace rerank::cli {

/// `{"model":..,"results":[{"index","relevance_score","document"}..],"usage":{"total_tokens"},
/// "requests":k,"throttled":t,"admission_wait_ms":w}` and a newline, keys in that order:
/// `throttled` counts the server's throttling answers the call waited out, `admission_wait_ms`
/// the time its requests waited for the pacer (both from `diag`). Strings hold no control
/// character a terminal acts on: C0 controls, DEL and C1 controls are JSON escapes (`\u001b`,
/// `\u009b`).
void write_response_json(std::ostream& out, const rerank::response& res,
                         const rerank::diagnostics& diag);

/// A table for people: rank, index, score and the start of each document, then a summary line
/// (requests, tokens, and the pacing when there was any: throttling answers waited out,
/// admission wait, the quota note). Control characters of the documents, the model name and
/// the note appear as escapes (`text::printable`).
void write_response_table(std::ostream& out, const rerank::response& res,
                          const rerank::diagnostics& diag);

/// 2 for requests refused before sending, 4 for network, TLS, timeout and cancellation,
/// 3 for everything the API answered (HTTP errors, unusable answers).
int exit_code_for(rerank::error_code ec);

/// `rerank tokens [PATH|-] [--estimate]`: one {"n": count} line per JSON Lines input line.
int run_tokens(const std::vector<std::string>& args);

} // namespace rerank::cli
