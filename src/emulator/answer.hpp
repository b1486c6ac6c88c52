// The bodies the emulator answers with: rankings, errors, and the falsified ones of faults.
#pragma once

#include "emulator/evaluate.hpp"
#include "emulator/wire.hpp"

#include <rerank/emulator/fault.hpp>
#include <rerank/emulator/options.hpp>

#include <boost/json/object.hpp>

#include <string_view>

namespace rerank::emulator::detail {

/// The success body of `ev.call` (whatever `ev.error` says; no results when the call was not
/// parsed): compatible `{"id","object":"list","model","results":[{"index","relevance_score",
/// "document":{"text"}}],"usage":{"total_tokens"}}`, native `{"output":{"results":[...]},
/// "usage":{"total_tokens"},"request_id"}` with `document` only when `return_documents`.
/// DashScope's dialects only (the others' bodies need not be objects: `ranking_value`).
boost::json::object ranking_json(const options& opts, const evaluation& ev,
                                 std::string_view request_id);

/// The success body of `ev.call` in `ev.dialect`: `ranking_json` for DashScope's dialects,
/// `provider_ranking_json` for the others.
boost::json::value ranking_value(const options& opts, const evaluation& ev,
                                 std::string_view request_id);

/// What the server answers when no fault intervenes: the ranking, or `ev.error` in the
/// dialect's shape (405 adds `Allow: POST`).
reply normal_reply(const options& opts, const evaluation& ev, std::string_view request_id);

/// 200 with `ranking_json` made inconsistent in the way `how` says.
reply wrong_results_reply(const options& opts, const evaluation& ev, results_inconsistency how,
                          std::string_view request_id);

/// 200, JSON content type, a body that does not parse: `body` when not empty, else the
/// ranking's text cut in the middle.
reply malformed_json_reply(const options& opts, const evaluation& ev, std::string_view body,
                           std::string_view request_id);

/// Falsifies the results of a ranking body of any dialect (exposed for unit tests): its
/// `results`, `output.results`, `data`, `rankings`, or the bare array itself.
void make_inconsistent(boost::json::value& ranking, std::size_t document_count,
                       results_inconsistency how);
void make_inconsistent(boost::json::object& ranking, std::size_t document_count,
                       results_inconsistency how);

} // namespace rerank::emulator::detail
