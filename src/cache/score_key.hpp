// The keys of the score cache: a 128-bit keyed hash of what determines a score.
#pragma once

#include <rerank/dialect.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace rerank::cache {

/// 128 bits of XXH3-128.
struct score_key {
    std::uint64_t low = 0;
    std::uint64_t high = 0;
    friend bool operator==(const score_key&, const score_key&) = default;
};

/// For hash tables: the key is a hash already.
struct score_key_hash {
    std::size_t operator()(const score_key& k) const noexcept {
        return static_cast<std::size_t>(k.low);
    }
};

/// What a score depends on besides the document's text: the same for every document of a call.
struct key_fields {
    rerank::dialect dialect = rerank::dialect::dashscope;
    std::string_view base_url;
    std::string_view model;
    /// Unset and empty differ (the server's default task against an empty one).
    std::optional<std::string_view> instruct;
    std::string_view query;
    /// The per-item token limit the client cut texts to (`client_truncates`), else 0: the same
    /// text cut differently scores differently.
    std::size_t client_cut_tokens = 0;
};

/// Makes keys with one secret drawn at random when constructed.
///
/// Why 128 bits suffice: the fields are encoded injectively (each one length-prefixed, so no
/// two different tuples give the same bytes), so two different (fields, document) pairs get
/// the same key only if XXH3-128 collides. Keyed with a secret the inputs' authors do not
/// know, it behaves for them as a random function: among n distinct pairs ever cached, the
/// chance of any collision is at most about n² / 2^128 per stage (two stages: the document's
/// hash, then the key), for n = 10^9 below 10^-20. XXH3 is not a cryptographic hash: someone
/// who learnt the secret (it never leaves the process) could forge a collision and make one
/// document take another's score. Do not share a cache between tenants who must not influence
/// each other's rankings.
class key_maker {
public:
    key_maker();
    /// The digest of the call's fields, computed once per call.
    score_key call_prefix(const key_fields& fields) const;
    /// The key of one document of the call: XXH3-128 of (prefix, the document's length, the
    /// document's own XXH3-128). Two one-shot hashes, no copy of the text.
    score_key document_key(const score_key& prefix, std::string_view document) const noexcept;

private:
    // XXH3's default secret size (its minimum is 136 bytes).
    alignas(64) std::array<unsigned char, 192> secret_{};
};

} // namespace rerank::cache
