#include "emulator/provider_answers.hpp"

#include "emulator/bm25.hpp"

#include <boost/json.hpp>

namespace rerank::emulator::detail {
namespace {

namespace json = boost::json;
using rerank::dialect;

// Cohere bills a search unit per query and each started 100 documents.
constexpr std::size_t documents_per_search_unit = 100;

json::object usage_of(const evaluation& ev) {
    return json::object{{"total_tokens", ev.tokens}};
}

} // namespace

json::value provider_ranking_json(const options& opts, const evaluation& ev,
                                  std::string_view request_id) {
    const dialect d = ev.dialect;
    const parsed_request& call = ev.call;
    const std::vector<double> scores = score_documents(call.query, call.documents, opts.scoring);
    const bool has_top_n = d == dialect::cohere || d == dialect::jina || d == dialect::voyage;
    const std::size_t top_n =
        has_top_n ? call.top_n.value_or(call.documents.size()) : call.documents.size();

    json::array results;
    results.reserve(std::min(top_n, call.documents.size()));
    for (std::size_t index : rank(scores, top_n)) {
        json::object result{{"index", index}};
        const double score = scores[index];
        const std::string_view text = call.documents[index];
        switch (d) {
        case dialect::tei:
            result["score"] = call.raw_scores ? logit_of(score) : score;
            if (call.return_documents)
                result["text"] = text;
            break;
        case dialect::nim:
            result["logit"] = logit_of(score);
            break;
        case dialect::voyage:
            result["relevance_score"] = score;
            if (call.return_documents)
                result["document"] = text;
            break;
        case dialect::jina:
            if (call.return_documents)
                result["document"] = json::object{{"text", text}};
            result["relevance_score"] = score;
            break;
        default:
            result["relevance_score"] = score;
            break;
        }
        results.push_back(std::move(result));
    }

    switch (d) {
    case dialect::tei:
        return results;
    case dialect::nim:
        return json::object{{"rankings", std::move(results)},
                            {"usage", {{"prompt_tokens", ev.tokens}, {"total_tokens", ev.tokens}}}};
    case dialect::voyage:
        return json::object{{"object", "list"},
                            {"data", std::move(results)},
                            {"model", call.model},
                            {"usage", usage_of(ev)}};
    case dialect::cohere: {
        const std::size_t units =
            (call.documents.size() + documents_per_search_unit - 1) / documents_per_search_unit;
        json::object meta{{"api_version", {{"version", "2"}}},
                          {"billed_units", {{"search_units", units}}}};
        return json::object{
            {"id", request_id}, {"results", std::move(results)}, {"meta", std::move(meta)}};
    }
    default:
        return json::object{{"id", "rerank-" + std::string(request_id)},
                            {"model", call.model},
                            {"usage", usage_of(ev)},
                            {"results", std::move(results)}};
    }
}

} // namespace rerank::emulator::detail
