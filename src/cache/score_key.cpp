#include "cache/score_key.hpp"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <random>
#include <string>

namespace rerank::cache {

namespace {

// XXH3-128 of `data` under `secret`. (An AVX2 build chosen at run time was tried: no faster
// on 500-byte documents, where the per-call setup weighs as much as the stripes.)
score_key hash128(const void* data, std::size_t size,
                  const std::array<unsigned char, 192>& secret) noexcept {
    const XXH128_hash_t h = XXH3_128bits_withSecret(data, size, secret.data(), secret.size());
    return score_key{h.low64, h.high64};
}

// Little-endian fixed width, so the encoding does not depend on the field's value.
void append_u64(std::string& out, std::uint64_t v) {
    for (int i = 0; i != 8; ++i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void append_field(std::string& out, std::string_view field) {
    append_u64(out, field.size());
    out.append(field);
}

} // namespace

key_maker::key_maker() {
    std::random_device random;
    std::uniform_int_distribution<unsigned> byte(0, 255);
    for (auto& b : secret_)
        b = static_cast<unsigned char>(byte(random));
}

score_key key_maker::call_prefix(const key_fields& f) const {
    // Once per call, a few hundred bytes: a small string is fine here.
    std::string encoded;
    encoded.reserve(64 + f.base_url.size() + f.model.size() + f.query.size() +
                    (f.instruct ? f.instruct->size() : 0));
    append_u64(encoded, static_cast<std::uint64_t>(f.dialect));
    append_field(encoded, f.base_url);
    append_field(encoded, f.model);
    append_u64(encoded, f.instruct ? 1 : 0);
    append_field(encoded, f.instruct.value_or(std::string_view()));
    append_field(encoded, f.query);
    append_u64(encoded, f.client_cut_tokens);
    return hash128(encoded.data(), encoded.size(), secret_);
}

score_key key_maker::document_key(const score_key& prefix,
                                  std::string_view document) const noexcept {
    const score_key text = hash128(document.data(), document.size(), secret_);
    const std::uint64_t block[5] = {prefix.low, prefix.high, document.size(), text.low, text.high};
    return hash128(block, sizeof block, secret_);
}

} // namespace rerank::cache
