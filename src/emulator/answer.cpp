#include "emulator/answer.hpp"

#include "emulator/bm25.hpp"
#include "emulator/errors.hpp"
#include "emulator/json_text.hpp"
#include "emulator/provider_answers.hpp"
#include "emulator/routes.hpp"

#include <boost/json.hpp>

namespace rerank::emulator::detail {
namespace json = boost::json;

namespace {

json::array& results_of(json::value& ranking) {
    if (ranking.is_array())
        return ranking.get_array();
    json::object& o = ranking.as_object();
    if (json::value* output = o.if_contains("output"))
        return output->as_object()["results"].as_array();
    for (std::string_view key : {"data", "rankings"})
        if (json::value* results = o.if_contains(key))
            return results->as_array();
    return o["results"].as_array();
}

reply json_reply(unsigned status, std::string body) {
    reply r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

} // namespace

json::object ranking_json(const options& opts, const evaluation& ev, std::string_view request_id) {
    const bool native = ev.dialect == rerank::dialect::dashscope_native;
    const parsed_request& call = ev.call;
    const std::vector<double> scores = score_documents(call.query, call.documents, opts.scoring);
    const std::size_t top_n = call.top_n.value_or(call.documents.size());
    const bool echo = !native || call.return_documents;

    json::array results;
    results.reserve(std::min(top_n, call.documents.size()));
    for (std::size_t index : rank(scores, top_n)) {
        json::object result;
        result["index"] = index;
        result["relevance_score"] = scores[index];
        if (echo)
            result["document"] = json::object{{"text", call.documents[index]}};
        results.push_back(std::move(result));
    }
    json::object usage{{"total_tokens", ev.tokens}};

    json::object body;
    if (native) {
        body["output"] = json::object{{"results", std::move(results)}};
        body["usage"] = std::move(usage);
        body["request_id"] = request_id;
    } else {
        body["id"] = request_id;
        body["object"] = "list";
        body["model"] = call.model;
        body["results"] = std::move(results);
        body["usage"] = std::move(usage);
    }
    return body;
}

json::value ranking_value(const options& opts, const evaluation& ev, std::string_view request_id) {
    if (is_dashscope(ev.dialect))
        return ranking_json(opts, ev, request_id);
    return provider_ranking_json(opts, ev, request_id);
}

reply normal_reply(const options& opts, const evaluation& ev, std::string_view request_id) {
    if (!ev.error)
        return json_reply(200, to_json_text(ranking_value(opts, ev, request_id)));
    reply r = json_reply(ev.error->status, error_body(ev.dialect, *ev.error, request_id));
    r.content_type = ev.error->content_type;
    if (r.status == 405)
        r.headers.emplace_back("Allow", "POST");
    return r;
}

void make_inconsistent(json::object& ranking, std::size_t document_count,
                       results_inconsistency how) {
    json::value whole(std::move(ranking));
    make_inconsistent(whole, document_count, how);
    ranking = std::move(whole.as_object());
}

void make_inconsistent(json::value& ranking, std::size_t document_count,
                       results_inconsistency how) {
    json::array& results = results_of(ranking);
    if (results.empty())
        results.push_back(json::object{{"index", 0}, {"relevance_score", 0.5}});
    json::object& first = results[0].as_object();
    switch (how) {
    case results_inconsistency::index_out_of_range:
        first["index"] = document_count;
        break;
    case results_inconsistency::duplicate_index:
        if (results.size() < 2)
            results.push_back(results[0]);
        else
            results[1].as_object()["index"] = results[0].as_object()["index"];
        break;
    case results_inconsistency::missing_score:
        for (std::string_view key : {"relevance_score", "score", "logit"})
            first.erase(key);
        break;
    }
}

reply wrong_results_reply(const options& opts, const evaluation& ev, results_inconsistency how,
                          std::string_view request_id) {
    json::value ranking = ranking_value(opts, ev, request_id);
    make_inconsistent(ranking, ev.call.documents.size(), how);
    return json_reply(200, to_json_text(ranking));
}

reply malformed_json_reply(const options& opts, const evaluation& ev, std::string_view body,
                           std::string_view request_id) {
    if (!body.empty())
        return json_reply(200, std::string(body));
    std::string text = to_json_text(ranking_value(opts, ev, request_id));
    // Cutting a JSON object anywhere before its last byte leaves it unterminated.
    text.resize(text.size() / 2);
    return json_reply(200, std::move(text));
}

} // namespace rerank::emulator::detail
