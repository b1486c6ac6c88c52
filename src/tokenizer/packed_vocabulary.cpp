// Reader of the packed vocabulary: "RRTOKZ1\n", u32 payload size, zlib(payload); the payload
// layout is described in scripts/pack-qwen3-vocab.py.
#include "tokenizer/vocabulary.hpp"

#include <zlib.h>

#include <cstring>
#include <stdexcept>

namespace rerank::tokenizer_detail {

namespace {

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("tokenizer: packed vocabulary: " + what);
}

class reader {
public:
    explicit reader(std::span<const unsigned char> data)
        : data_(data) {}

    std::uint64_t varint() {
        std::uint64_t value = 0;
        for (unsigned shift = 0; shift < 64; shift += 7) {
            const unsigned char byte = take(1)[0];
            value |= std::uint64_t{byte & 0x7Fu} << shift;
            if (!(byte & 0x80))
                return value;
        }
        fail("malformed integer");
    }
    std::uint32_t u32() {
        const std::uint64_t v = varint();
        if (v > 0xFFFFFFFFu)
            fail("integer out of range");
        return static_cast<std::uint32_t>(v);
    }
    std::span<const unsigned char> take(std::size_t n) {
        if (data_.size() - pos_ < n)
            fail("truncated");
        const auto out = data_.subspan(pos_, n);
        pos_ += n;
        return out;
    }
    bool at_end() const noexcept { return pos_ == data_.size(); }

private:
    std::span<const unsigned char> data_;
    std::size_t pos_ = 0;
};

std::vector<unsigned char> inflate(std::span<const unsigned char> file) {
    static constexpr char magic[] = "RRTOKZ1\n";
    if (file.size() < 12 || std::memcmp(file.data(), magic, 8) != 0)
        fail("bad header");
    const std::uint32_t size = std::uint32_t{file[8]} | (std::uint32_t{file[9]} << 8) |
                               (std::uint32_t{file[10]} << 16) | (std::uint32_t{file[11]} << 24);
    std::vector<unsigned char> out(size);
    uLongf out_size = size;
    const int rc =
        ::uncompress(out.data(), &out_size, file.data() + 12, static_cast<uLong>(file.size() - 12));
    if (rc != Z_OK || out_size != size)
        fail("corrupt compressed data");
    return out;
}

} // namespace

vocabulary read_packed_vocabulary(std::span<const unsigned char> file) {
    const std::vector<unsigned char> payload = inflate(file);
    reader in(payload);
    static constexpr unsigned char magic[8] = {'R', 'R', 'B', 'P', 'E', 0, 1, 0};
    if (std::memcmp(in.take(8).data(), magic, 8) != 0)
        fail("unknown payload version");

    vocabulary v;
    const std::uint32_t tokens = in.u32();
    v.token_offsets.reserve(std::size_t{tokens} + 1);
    v.token_offsets.push_back(0);
    for (std::uint32_t i = 0; i < tokens; ++i) {
        const auto bytes = in.take(in.u32());
        v.token_bytes.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        v.token_offsets.push_back(static_cast<std::uint32_t>(v.token_bytes.size()));
    }
    const std::uint32_t merges = in.u32();
    v.merges.reserve(merges);
    v.merged.reserve(merges);
    std::int64_t previous = -1;
    for (std::uint32_t r = 0; r < merges; ++r) {
        const std::uint32_t a = in.u32(), b = in.u32();
        const std::uint64_t z = in.varint();
        const std::int64_t delta =
            static_cast<std::int64_t>(z >> 1) ^ -static_cast<std::int64_t>(z & 1);
        const std::int64_t merged = previous + 1 + delta;
        if (a >= tokens || b >= tokens || merged < 0 || merged >= tokens)
            fail("merge out of range");
        v.merges.emplace_back(a, b);
        v.merged.push_back(static_cast<std::uint32_t>(merged));
        previous = merged;
    }
    const std::uint32_t added = in.u32();
    for (std::uint32_t i = 0; i < added; ++i) {
        const std::uint32_t id = in.u32();
        const auto bytes = in.take(in.u32());
        const bool special = in.take(1)[0] & 1;
        v.added.push_back(
            {std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()), id, special});
    }
    if (!in.at_end())
        fail("trailing data");
    return v;
}

} // namespace rerank::tokenizer_detail
