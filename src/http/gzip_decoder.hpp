// Inflates a gzip response body (RFC 1952) into a bounded buffer, apart from any I/O.
#pragma once

#include "http/body_buffer.hpp"

#include <rerank/error.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace rerank::detail {

/// Whether a `Content-Encoding` value (all of a response's fields, joined by ", ") asks for
/// gzip: one coding, `gzip` or `x-gzip` (RFC 9110 §8.4.1.3), any case, blanks around it.
bool is_gzip_coding(std::string_view content_encoding) noexcept;
/// Whether it asks for no decoding at all: empty, or `identity`.
bool is_identity_coding(std::string_view content_encoding) noexcept;

/// One zlib inflate state, kept for every body of a connection: `inflateReset` between bodies
/// costs nothing, where `inflateInit2` allocates about 40 KB (its window) each time.
class gzip_decoder {
public:
    gzip_decoder();
    ~gzip_decoder();
    gzip_decoder(const gzip_decoder&) = delete;
    gzip_decoder& operator=(const gzip_decoder&) = delete;

    /// Inflates `compressed`, exactly one gzip member and nothing after it, into `out`
    /// (cleared first). The decompressed size never passes `limit`: a body that would
    /// inflate to more fails with `errc::bad_response` after holding at most `limit + 1`
    /// bytes (the size its trailer declares serves only to size the buffer). A
    /// malformed, truncated or corrupt (CRC, length) stream fails with `errc::bad_response`
    /// too; `why` then says what was wrong (never quoting the body).
    error_code inflate(std::string_view compressed, std::size_t limit, body_buffer& out,
                       std::string& why);

private:
    struct state;
    std::unique_ptr<state> state_; // made on first use: a connection that never sees gzip
                                   // never pays for it
};

} // namespace rerank::detail
