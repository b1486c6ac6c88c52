#include <rerank/emulator/options.hpp>

#include <limits>

namespace rerank::emulator {
namespace {

constexpr std::size_t unlimited = std::numeric_limits<std::size_t>::max();

} // namespace

options options_for(rerank::dialect d) {
    options o;
    o.dialect = d;
    if (d == rerank::dialect::dashscope || d == rerank::dialect::dashscope_native)
        return o;
    // Only DashScope truncates items silently at a fixed size (Cohere at max_tokens_per_doc).
    o.max_item_tokens = unlimited;
    o.max_request_tokens = unlimited;
    switch (d) {
    case rerank::dialect::cohere:
        // docs.cohere.com, "Best Practices for using Rerank": 1 to 10,000 documents.
        o.max_documents = 10000;
        o.models = {"rerank-v3.5", "rerank-v4.0-pro", "rerank-v4.0-fast", "rerank-english-v3.0",
                    "rerank-multilingual-v3.0"};
        break;
    case rerank::dialect::jina:
        // vLLM caps nothing but each pair at the model's max_model_len.
        o.max_documents = unlimited;
        o.max_pair_tokens = 8192;
        o.models = {"jina-reranker-v2-base-multilingual", "Qwen/Qwen3-Reranker-0.6B",
                    "Qwen/Qwen3-Reranker-4B", "Qwen/Qwen3-Reranker-8B", "BAAI/bge-reranker-v2-m3"};
        break;
    case rerank::dialect::voyage:
        // docs.voyageai.com (rerank-2.5): 1,000 documents, 600K tokens counted as
        // query tokens x documents + document tokens, 32K per query + document.
        o.max_documents = 1000;
        o.max_request_tokens = 600000;
        o.max_pair_tokens = 32000;
        o.models = {"rerank-2.5", "rerank-2.5-lite", "rerank-2", "rerank-2-lite"};
        break;
    case rerank::dialect::tei:
        // text-embeddings-inference: --max-client-batch-size 32 by default; a BERT-sized
        // reranker's max_input_length of 512 per (query, text) pair.
        o.max_documents = 32;
        o.max_pair_tokens = 512;
        o.models.clear();
        break;
    default: // nim
        // docs.nvidia.com NeMo Retriever reranking: up to 512 passages; 512 tokens per pair
        // for llama-3.2-nv-rerankqa-1b-v2 at its default.
        o.max_documents = 512;
        o.max_pair_tokens = 512;
        o.models = {"nvidia/llama-3.2-nv-rerankqa-1b-v2", "nvidia/llama-nemotron-rerank-1b-v2",
                    "nvidia/nv-rerankqa-mistral-4b-v3"};
        break;
    }
    return o;
}

} // namespace rerank::emulator
