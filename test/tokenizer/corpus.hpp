// The tokenizer corpus of test/data/tokenizer: 2,005 texts and their exact Qwen3 token counts
// from Hugging Face tokenizers 0.22.2.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace rerank::test {

struct corpus_text {
    std::size_t line;     // 1-based line in corpus.jsonl
    std::string category; // "en_prose", "nfc_edge", ...
    std::string text;
    std::size_t expected; // exact token count
};

/// The whole corpus, read once.
const std::vector<corpus_text>& tokenizer_corpus();

} // namespace rerank::test
