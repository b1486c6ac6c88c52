#include "codec/dialect_wire.hpp"

#include <array>
#include <iterator>

namespace rerank::detail {
namespace {

using ts = truncation_switch;
using sk = rerank::score_kind;

// One row per dialect, in declaration order.
constexpr std::array<dialect_wire, std::size(all_dialects)> wires = {{
    // dashscope
    {false, true, false, "documents", "top_n", "instruct", "", false, ts::none, "results", false,
     "relevance_score", sk::probability},
    // dashscope_native
    {true, true, false, "documents", "top_n", "instruct", "return_documents", false, ts::none,
     "results", true, "relevance_score", sk::probability},
    // cohere
    {false, true, false, "documents", "top_n", "", "", false, ts::max_tokens_per_doc, "results",
     false, "relevance_score", sk::probability},
    // jina
    {false, true, false, "documents", "top_n", "", "return_documents", true, ts::none, "results",
     false, "relevance_score", sk::probability},
    // voyage
    {false, true, false, "documents", "top_k", "", "return_documents", true, ts::boolean_truncation,
     "data", false, "relevance_score", sk::probability},
    // tei
    {false, false, false, "texts", "", "", "return_text", true, ts::boolean_truncate, "", false,
     "score", sk::probability},
    // nim
    {false, true, true, "passages", "", "", "", false, ts::end_or_none, "rankings", false, "logit",
     sk::logit},
}};

} // namespace

const dialect_wire& wire_of(rerank::dialect d) noexcept {
    return wires[static_cast<std::size_t>(d)];
}

std::string_view results_path(rerank::dialect d) noexcept {
    const dialect_wire& w = wire_of(d);
    if (w.results_in_output)
        return "output.results";
    return w.results_key.empty() ? std::string_view("the top-level array") : w.results_key;
}

} // namespace rerank::detail
