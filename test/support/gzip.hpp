// gzip for tests: what a server would send, and ways to spoil it.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace rerank::test {

/// `text` as one gzip member (RFC 1952), compressed at `level`.
inline std::string gzip(std::string_view text, int level = Z_BEST_COMPRESSION) {
    z_stream z{};
    if (deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2 failed");
    std::string out(deflateBound(&z, static_cast<uLong>(text.size())) + 32, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    z.avail_in = static_cast<uInt>(text.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int ret = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (ret != Z_STREAM_END)
        throw std::runtime_error("deflate did not finish");
    return out;
}

/// `member` inflated, or "" when it is not one whole gzip member of at most 1 MiB.
inline std::string gunzip(std::string_view member) {
    z_stream z{};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        throw std::runtime_error("inflateInit2 failed");
    std::string out(1 << 20, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(member.data()));
    z.avail_in = static_cast<uInt>(member.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int ret = inflate(&z, Z_FINISH);
    out.resize(z.total_out);
    inflateEnd(&z);
    return ret == Z_STREAM_END && z.avail_in == 0 ? out : std::string();
}

/// `member` with its trailer's ISIZE (the declared inflated size) replaced by `size`.
inline std::string with_declared_size(std::string member, std::uint32_t size) {
    for (int i = 0; i < 4; ++i)
        member[member.size() - 4 + i] = static_cast<char>(size >> (8 * i));
    return member;
}

/// `member` with one bit of its CRC-32 (the trailer's first four bytes) flipped.
inline std::string with_bad_crc(std::string member) {
    member[member.size() - 8] ^= 1;
    return member;
}

} // namespace rerank::test
