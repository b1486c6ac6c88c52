#include "tokenizer/tokenizer_model.hpp"

#include <atomic>
#include <stdexcept>

namespace rerank::tokenizer_detail {

namespace {

std::uint32_t next_uid() {
    static std::atomic<std::uint32_t> counter{0};
    return ++counter;
}

// The id of the single-byte token of each byte; every byte must have one in byte-level BPE.
void find_byte_ids(const vocabulary& v, std::uint32_t (&out)[256]) {
    bool found[256] = {};
    for (std::uint32_t id = 0; id < v.size(); ++id) {
        const std::string_view t = v.token(id);
        if (t.size() == 1 && !found[static_cast<unsigned char>(t[0])]) {
            out[static_cast<unsigned char>(t[0])] = id;
            found[static_cast<unsigned char>(t[0])] = true;
        }
    }
    for (unsigned b = 0; b < 256; ++b)
        if (!found[b])
            throw std::runtime_error("tokenizer: the vocabulary has no token for byte " +
                                     std::to_string(b));
}

merge_table make_merges(const vocabulary& v) {
    std::uint32_t byte_ids[256];
    find_byte_ids(v, byte_ids);
    if (v.size() > merge_table::max_id + 1)
        throw std::runtime_error("tokenizer: vocabulary too large");
    return merge_table(v.merges, v.merged, byte_ids);
}

} // namespace

tokenizer_model::tokenizer_model(vocabulary v)
    : uid(next_uid())
    , nfc(v.nfc)
    , merges(make_merges(v))
    , token_bytes(std::move(v.token_bytes))
    , token_offsets(std::move(v.token_offsets)) {
    for (const vocabulary::added_token& t : v.added) {
        added.add(t.content, t.id);
        added_by_id.emplace(t.id, t.content);
    }
}

bool tokenizer_model::token(std::uint32_t id, std::string_view& out) const noexcept {
    if (id + 1 < token_offsets.size()) {
        out = std::string_view(token_bytes)
                  .substr(token_offsets[id], token_offsets[id + 1] - token_offsets[id]);
        return true;
    }
    const auto it = added_by_id.find(id);
    if (it == added_by_id.end())
        return false;
    out = it->second;
    return true;
}

} // namespace rerank::tokenizer_detail
