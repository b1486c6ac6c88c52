// Limits per dialect and model, the counter each model is counted with, the listwise table,
// and the byte counter's bound.
#include <rerank/batch_plan.hpp>
#include <rerank/limits.hpp>
#include <rerank/qwen3_tokenizer.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

using rerank::dialect;
using rerank::limits;

BOOST_AUTO_TEST_SUITE(dialect_limits)

BOOST_AUTO_TEST_CASE(one_argument_form_is_dashscope) {
    for (const char* model : {"qwen3-rerank", "gte-rerank-v2", "qwen3-vl-rerank", "other"}) {
        const limits a = limits::for_model(model);
        for (dialect d : {dialect::dashscope, dialect::dashscope_native}) {
            const limits b = limits::for_model(d, model);
            BOOST_TEST(a.max_documents == b.max_documents);
            BOOST_TEST(a.max_request_tokens == b.max_request_tokens);
            BOOST_TEST(a.max_item_tokens == b.max_item_tokens);
        }
    }
}

BOOST_AUTO_TEST_CASE(documented_caps_per_provider) {
    const limits cohere = limits::for_model(dialect::cohere, "rerank-v3.5");
    BOOST_TEST(cohere.max_documents == 1000u);
    BOOST_TEST(cohere.max_item_tokens == 4096u);
    BOOST_TEST(cohere.max_request_tokens == limits::no_token_cap);

    const limits jina = limits::for_model(dialect::jina, "Qwen/Qwen3-Reranker-0.6B");
    BOOST_TEST(jina.max_documents == 1000u);
    BOOST_TEST(jina.max_request_tokens == limits::no_token_cap);

    const limits tei = limits::for_model(dialect::tei, "");
    BOOST_TEST(tei.max_documents == 32u);
    BOOST_TEST(tei.max_body_bytes == 2000000u);

    BOOST_TEST(
        limits::for_model(dialect::nim, "nvidia/llama-3.2-nv-rerankqa-1b-v2").max_documents ==
        512u);
}

BOOST_AUTO_TEST_CASE(voyage_caps_per_model) {
    struct row {
        const char* model;
        std::size_t request, item;
    };
    const row rows[] = {{"rerank-2.5", 600000, 32000},     {"rerank-2.5-lite", 600000, 32000},
                        {"rerank-2", 600000, 16000},       {"rerank-2-lite", 600000, 8000},
                        {"rerank-1", 300000, 8000},        {"rerank-lite-1", 300000, 4000},
                        {"rerank-9-future", 600000, 32000}};
    for (const row& r : rows) {
        const limits lim = limits::for_model(dialect::voyage, r.model);
        BOOST_TEST(lim.max_documents == 1000u, r.model);
        BOOST_TEST(lim.max_request_tokens == r.request, r.model);
        BOOST_TEST(lim.max_item_tokens == r.item, r.model);
    }
}

BOOST_AUTO_TEST_CASE(which_models_count_with_qwen3) {
    BOOST_TEST(rerank::uses_qwen3_tokenizer(dialect::dashscope, "anything"));
    BOOST_TEST(rerank::uses_qwen3_tokenizer(dialect::dashscope_native, "gte-rerank-v2"));
    BOOST_TEST(rerank::uses_qwen3_tokenizer(dialect::jina, "Qwen/Qwen3-Reranker-4B"));
    BOOST_TEST(rerank::uses_qwen3_tokenizer(dialect::tei, "qwen3-reranker-0.6b"));
    BOOST_TEST(rerank::uses_qwen3_tokenizer(dialect::cohere, "gte-rerank"));
    BOOST_TEST(!rerank::uses_qwen3_tokenizer(dialect::jina, "BAAI/bge-reranker-v2-m3"));
    BOOST_TEST(!rerank::uses_qwen3_tokenizer(dialect::voyage, "rerank-2.5"));
    BOOST_TEST(!rerank::uses_qwen3_tokenizer(dialect::tei, ""));
}

BOOST_AUTO_TEST_CASE(listwise_table) {
    BOOST_TEST(rerank::scores_listwise("jina-reranker-v3"));
    BOOST_TEST(rerank::scores_listwise("jinaai/Jina-Reranker-V3"));
    BOOST_TEST(rerank::scores_listwise("castorini/rank_zephyr_7b_v1_full"));
    BOOST_TEST(!rerank::scores_listwise("jina-reranker-v2-base-multilingual"));
    BOOST_TEST(!rerank::scores_listwise("Qwen/Qwen3-Reranker-0.6B"));
    BOOST_TEST(!rerank::scores_listwise("rerank-v3.5"));
}

BOOST_AUTO_TEST_CASE(byte_counter_bounds_qwen3_and_cuts_at_characters) {
    const rerank::token_counter bytes = rerank::utf8_byte_token_counter();
    // A byte-level BPE is one such tokenizer: its count never exceeds the bytes.
    for (std::string text :
         {std::string("plain English text, with punctuation!"),
          std::string("中文文本和English混合"), std::string("Ünïcödé ✓ 😀"), std::string(1000, ' ')})
        BOOST_TEST(rerank::qwen3_tokenizer::builtin().count(text) <= bytes.exact(text), text);
    const std::string mixed = "ab中c"; // 'a' 'b' then 3 bytes, then 'c'
    BOOST_TEST(bytes.prefix_bytes(mixed, 3) == 2u);
    BOOST_TEST(bytes.prefix_bytes(mixed, 4) == 2u);
    BOOST_TEST(bytes.prefix_bytes(mixed, 5) == 5u);
    BOOST_TEST(bytes.prefix_bytes(mixed, 100) == mixed.size());
    BOOST_TEST(bytes.prefix_bytes(mixed, 0) == 0u);
}

BOOST_AUTO_TEST_CASE(plan_with_byte_counter_never_overshoots) {
    // TEI-like limits with a token cap: every planned batch fits by bytes, hence by tokens.
    limits lim = limits::for_model(dialect::tei, "");
    lim.max_request_tokens = 1000;
    rerank::request req;
    req.query = "query";
    for (int i = 0; i < 100; ++i)
        req.documents.push_back(std::string(static_cast<std::size_t>(10 + i), 'x'));
    rerank::batch_plan plan;
    rerank::diagnostics diag;
    BOOST_TEST_REQUIRE(
        !rerank::plan_batches(req, lim, rerank::utf8_byte_token_counter(), plan, diag));
    for (std::size_t b = 0; b < plan.batches.size(); ++b) {
        const rerank::batch range = plan.batches[b];
        BOOST_TEST(range.count <= 32u);
        std::size_t tokens = 0;
        for (std::size_t i = range.first; i < range.first + range.count; ++i)
            tokens += req.query.size() + req.documents[i].size();
        BOOST_TEST(tokens <= lim.request_token_budget());
    }
}

BOOST_AUTO_TEST_SUITE_END()
