// Error bodies: any body under any status.
//
// Input: bytes 0-1 are the HTTP status (big-endian, modulo 1000); the rest is the body, read
// in every dialect's wording (too-large phrases).
// (scripts/fuzz.sh makes the seeds from test/data/codec with two bytes in front.)
//
// Required: no crash; the status is recorded; the body snippet, when made, is bounded, valid
// UTF-8 and free of control characters; classifying the answer never gives "no error".
#include "codec/error_body.hpp"
#include "fuzz_support.hpp"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2)
        return 0;
    const unsigned status = ((unsigned(data[0]) << 8) | data[1]) % 1000;
    const std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
    rerank::diagnostics diag;
    rerank::detail::decode_error_body(status, body, diag);
    if (diag.http_status != status)
        rerank::fuzz::fail("error_body", "status not recorded", body);
    rerank::fuzz::check_snippet("error_body", diag, body);
    const rerank::errc e = rerank::detail::classify_status(status, diag);
    if (e == rerank::errc{})
        rerank::fuzz::fail("error_body", "classified as no error", body);
    (void)rerank::detail::is_billing_error(diag);
    for (rerank::dialect d : rerank::all_dialects)
        (void)rerank::detail::says_too_large(d, diag);
    return 0;
}
