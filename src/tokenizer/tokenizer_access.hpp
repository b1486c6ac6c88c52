// Internal access to a tokenizer's model, for the library's own parts and its tests.
#pragma once

#include <rerank/qwen3_tokenizer.hpp>

#include "tokenizer/tokenizer_model.hpp"

namespace rerank::tokenizer_detail {

struct tokenizer_access {
    static const tokenizer_model& model(const qwen3_tokenizer& t) noexcept { return *t.model_; }
};

} // namespace rerank::tokenizer_detail
