#include "http/gzip_decoder.hpp"

#include "text/http_tokens.hpp"

#include <boost/beast/core/string.hpp>

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <new>

namespace rerank::detail {

namespace {

// The room first made for the inflated body when its trailer's size cannot be used.
constexpr std::size_t initial_room = 16 * 1024;
// Bytes of a gzip member around its deflate data: a 10-byte header, an 8-byte trailer.
constexpr std::size_t header_and_trailer = 18;

std::uint32_t declared_size(std::string_view member) noexcept {
    // ISIZE: the last four bytes, little-endian, the input's size modulo 2^32.
    const auto* p = reinterpret_cast<const unsigned char*>(member.data() + member.size() - 4);
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
           std::uint32_t(p[3]) << 24;
}

} // namespace

bool is_gzip_coding(std::string_view content_encoding) noexcept {
    using boost::beast::iequals;
    const std::string_view coding = text::trim_whitespace(content_encoding);
    return iequals(coding, "gzip") || iequals(coding, "x-gzip");
}

bool is_identity_coding(std::string_view content_encoding) noexcept {
    const std::string_view coding = text::trim_whitespace(content_encoding);
    return coding.empty() || boost::beast::iequals(coding, "identity");
}

struct gzip_decoder::state {
    z_stream z{};
};

gzip_decoder::gzip_decoder() = default;

gzip_decoder::~gzip_decoder() {
    if (state_)
        inflateEnd(&state_->z);
}

error_code gzip_decoder::inflate(std::string_view compressed, std::size_t limit, body_buffer& out,
                                 std::string& why) {
    out.clear();
    const auto too_large = [&] {
        why = "gzip response body inflates to more than max_response_bytes (" +
              std::to_string(limit) + " bytes)";
        return error_code(errc::bad_response);
    };
    const auto malformed = [&](std::string_view what) {
        why = "malformed gzip response body: ";
        why += what;
        return error_code(errc::bad_response);
    };
    if (compressed.size() < header_and_trailer)
        return malformed("truncated (" + std::to_string(compressed.size()) + " bytes)");
    // The trailer's size is only a hint: a bomb may lie in it, and a truncated or corrupt
    // stream has no trailer at all (the size it declares is then stray bytes).
    const std::uint32_t declared = declared_size(compressed);

    if (!state_) {
        auto fresh = std::make_unique<state>();
        if (inflateInit2(&fresh->z, 16 + MAX_WBITS) != Z_OK) // gzip wrapper only
            throw std::bad_alloc();
        state_ = std::move(fresh);
    } else {
        inflateReset(&state_->z);
    }
    z_stream& z = state_->z;
    z.avail_in = 0; // what an earlier body, failed midway, left unread is no input of this one
    // Never more room than the limit and one byte (a body that fills that is too large); the
    // declared size and one byte when that is less, so that an honest body inflates in one
    // pass. The buffer keeps its capacity from body to body of the connection.
    const std::size_t bound = limit == SIZE_MAX ? limit : limit + 1;
    if (declared < bound)
        out.reserve(std::size_t(declared) + 1);

    const auto* next_in = reinterpret_cast<const unsigned char*>(compressed.data());
    std::size_t left_in = compressed.size();
    for (;;) {
        if (z.avail_in == 0 && left_in != 0) {
            z.next_in = const_cast<unsigned char*>(next_in);
            z.avail_in = static_cast<uInt>(std::min<std::size_t>(left_in, UINT_MAX));
            next_in += z.avail_in;
            left_in -= z.avail_in;
        }
        if (out.size() == out.capacity())
            out.reserve(std::min(bound, std::max(2 * out.capacity(), initial_room)));
        const std::size_t room = std::min<std::size_t>(out.capacity() - out.size(), UINT_MAX);
        z.next_out = reinterpret_cast<unsigned char*>(out.extend(room));
        z.avail_out = static_cast<uInt>(room);
        const int ret = ::inflate(&z, Z_NO_FLUSH);
        out.shrink_to(out.size() - z.avail_out);
        if (out.size() > limit)
            return too_large();
        switch (ret) {
        case Z_STREAM_END:
            if (z.avail_in != 0 || left_in != 0)
                return malformed("bytes after the end of the gzip stream");
            return {};
        case Z_OK:
        case Z_BUF_ERROR:
            // Out of input with room left: the stream stops short of its end.
            if (z.avail_in == 0 && left_in == 0 && z.avail_out != 0)
                return malformed("truncated");
            break;
        case Z_MEM_ERROR:
            throw std::bad_alloc();
        default: // Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR
            return malformed(z.msg ? z.msg : "invalid data");
        }
    }
}

} // namespace rerank::detail
