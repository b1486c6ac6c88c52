// gzip bodies: any bytes under any limit.
//
// Input: bytes 0-1 are the limit in units of 16 bytes (big-endian: 0 to about 1 MiB); the rest
// is the body. (scripts/fuzz.sh makes the seeds by compressing test/data/codec.)
//
// Required: no crash; success holds at most the limit; failure is `bad_response` with a reason
// that quotes nothing of the body (no control character); the buffer never grows past the
// limit and one byte; the decoder (kept from input to input, as a connection keeps it) gives
// the same answer to the same input every time.
#include "fuzz_support.hpp"
#include "http/gzip_decoder.hpp"

#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rerank;
    if (size < 2)
        return 0;
    const std::size_t limit = ((std::size_t(data[0]) << 8) | data[1]) * 16;
    const std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
    static detail::gzip_decoder decoder;
    static detail::body_buffer reused;
    detail::body_buffer fresh;
    std::string why;
    const error_code ec = decoder.inflate(body, limit, fresh, why);
    if (fresh.capacity() > limit + 1)
        fuzz::fail("gzip_inflate", "buffer grew past the limit", body);
    if (!ec && fresh.size() > limit)
        fuzz::fail("gzip_inflate", "inflated past the limit", body);
    if (ec && (ec != errc::bad_response || why.empty() || fuzz::has_control_character(why)))
        fuzz::fail("gzip_inflate", "failure without a clean reason", body);
    std::string again_why;
    const error_code again = decoder.inflate(body, limit, reused, again_why);
    if (again != ec || again_why != why || (!ec && reused.view() != fresh.view()))
        fuzz::fail("gzip_inflate", "a reused decoder answered differently", body);
    return 0;
}
