// How each dialect names things on the wire: the one table the encoder, the decoder and the
// request checks read. Sources (read 2026-12):
//  - DashScope: ../shared/api/dashscope.md.
//  - Cohere v2: https://docs.cohere.com/reference/rerank (`top_n`, `max_tokens_per_doc`;
//    results never carry the documents, so no `return_documents`).
//  - Jina-style: https://jina.ai/reranker/ ; vLLM
//    https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html (re-rank API);
//    llama.cpp tools/server/README.md (`/v1/rerank`); SiliconFlow
//    https://docs.siliconflow.cn/en/api-reference/rerank/create-rerank (`instruction`, only for
//    its Qwen3-Reranker models; Jina, vLLM and llama.cpp have no such field).
//  - Voyage: https://docs.voyageai.com/reference/reranker-api (`top_k`, `truncation`, `data`).
//  - TEI: https://huggingface.github.io/text-embeddings-inference/ (`texts`, `truncate`,
//    `raw_scores`, `return_text`; the answer is a bare array of {index, score, text?}).
//  - NVIDIA NIM:
//    https://docs.nvidia.com/nim/nemo-retriever/text-reranking/latest/using-reranking.html
//    (`query: {text}`, `passages: [{text}]`, `truncate: NONE|END`, `rankings: [{index, logit}]`).
#pragma once

#include <rerank/dialect.hpp>
#include <rerank/response.hpp>

#include <string_view>

namespace rerank::detail {

/// The switch a dialect uses for over-long items (limits.hpp documents the mapping).
enum class truncation_switch : unsigned char {
    none,               ///< DashScope, Jina-style: nothing sent
    max_tokens_per_doc, ///< Cohere: `max_tokens_per_doc: max_item_tokens`
    boolean_truncation, ///< Voyage: `truncation: bool`
    boolean_truncate,   ///< TEI: `truncate: bool`
    end_or_none,        ///< NIM: `truncate: "END" | "NONE"`
};

/// One dialect's request and response shapes.
struct dialect_wire {
    // Request.
    bool native_envelope;              ///< `input` / `parameters` objects (DashScope native)
    bool sends_model;                  ///< false for TEI (one model per server)
    bool text_objects;                 ///< `{"text": ...}` for query and documents (NIM)
    std::string_view documents_key;    ///< "documents", "texts", "passages"
    std::string_view top_n_key;        ///< "top_n", "top_k", or empty: no field (TEI, NIM)
    std::string_view instruct_key;     ///< "instruct", or empty: no field (refused)
    std::string_view return_docs_key;  ///< "return_documents", "return_text", or empty
    bool return_docs_false_when_unset; ///< send `false` (we never need the echo)
    truncation_switch truncation;
    // Response.
    std::string_view results_key; ///< "results", "data", "rankings"; empty: a bare array (TEI)
    bool results_in_output;       ///< under `output` (DashScope native)
    std::string_view score_key;   ///< "relevance_score", "score", "logit"
    rerank::score_kind scores;
};

/// The shapes of dialect `d`.
const dialect_wire& wire_of(rerank::dialect d) noexcept;

/// Where the results are, for messages: "results", "output.results", "data", "rankings", or
/// "the top-level array".
std::string_view results_path(rerank::dialect d) noexcept;

} // namespace rerank::detail
