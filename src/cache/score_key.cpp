#include "cache/score_key.hpp"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cstring>
#include <random>
#include <string>

namespace rerank::cache {

namespace {

score_key from_xxh(XXH128_hash_t h) noexcept {
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
    return from_xxh(
        XXH3_128bits_withSecret(encoded.data(), encoded.size(), secret_.data(), secret_.size()));
}

score_key key_maker::document_key(const score_key& prefix,
                                  std::string_view document) const noexcept {
    const XXH128_hash_t text =
        XXH3_128bits_withSecret(document.data(), document.size(), secret_.data(), secret_.size());
    unsigned char block[40];
    const std::uint64_t words[5] = {prefix.low, prefix.high, document.size(), text.low64,
                                    text.high64};
    std::memcpy(block, words, sizeof block);
    return from_xxh(XXH3_128bits_withSecret(block, sizeof block, secret_.data(), secret_.size()));
}

} // namespace rerank::cache
