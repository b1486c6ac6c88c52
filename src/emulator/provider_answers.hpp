// The success bodies of the dialects other than DashScope's (answer.hpp has those).
#pragma once

#include "emulator/evaluate.hpp"

#include <rerank/emulator/options.hpp>

#include <boost/json/value.hpp>

#include <string_view>

namespace rerank::emulator::detail {

/// The ranking of `ev.call` in `ev.dialect`, best first, with the BM25 scores of every dialect
/// (`opts.scoring`):
/// - cohere `{"id","results":[{"index","relevance_score"}],"meta":{"api_version":{"version":"2"},
///   "billed_units":{"search_units"}}}` (a search unit per 100 documents; never the text);
/// - jina (vLLM) `{"id","model","usage":{"total_tokens"},"results":[{"index","document":{"text"},
///   "relevance_score"}]}` (`document` unless `return_documents` is false);
/// - voyage `{"object":"list","data":[{"index","relevance_score","document"?}],"model",
///   "usage":{"total_tokens"}}` (`document` a plain string, when asked);
/// - tei a bare array `[{"index","score","text"?}]` of every text (no top_n; `score` a logit
///   with `raw_scores`);
/// - nim `{"rankings":[{"index","logit"}],"usage":{"prompt_tokens","total_tokens"}}` of every
///   passage, scores as logits (outside [0, 1]).
/// `top_n` (Voyage `top_k`) keeps the best ones where the API has it.
boost::json::value provider_ranking_json(const options& opts, const evaluation& ev,
                                         std::string_view request_id);

} // namespace rerank::emulator::detail
