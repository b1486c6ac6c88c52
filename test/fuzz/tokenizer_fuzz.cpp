// The Qwen3 tokenizer and the token-count estimator: any bytes as text.
//
// Required: no crash (invalid UTF-8 included); count() == encode().size(); the estimator's
// upper bound never below the exact count; every id decodes; prefix_bytes(text, k) for a k
// taken from the input is a prefix of at most k tokens, the whole text when it fits.
#include "fuzz_support.hpp"

#include <rerank/qwen3_tokenizer.hpp>
#include <rerank/token_estimate.hpp>

#include <cstdint>
#include <string_view>

namespace {

[[noreturn]] void fail(const char* what, std::string_view text) {
    rerank::fuzz::fail("tokenizer", what, text);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const rerank::qwen3_tokenizer& tokenizer = rerank::qwen3_tokenizer::builtin();
    const std::size_t count = tokenizer.count(text);
    const auto ids = tokenizer.encode(text);
    if (ids.size() != count)
        fail("count() differs from encode().size()", text);
    if (rerank::qwen3_token_upper_bound(text) < count)
        fail("the upper bound is below the exact count", text);
    (void)tokenizer.decode(ids); // throws (and so fails) on an unknown id
    const std::size_t budget = size ? data[0] % (count + 2) : 0;
    const std::size_t prefix = tokenizer.prefix_bytes(text, budget);
    if (prefix > size || tokenizer.count(text.substr(0, prefix)) > budget)
        fail("prefix_bytes over its budget", text);
    if (count <= budget && prefix != size)
        fail("prefix_bytes cut a text that fits", text);
    return 0;
}
