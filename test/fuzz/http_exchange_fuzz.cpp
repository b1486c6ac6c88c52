// The HTTP exchange (src/http/exchange.hpp, sans-io) with our limits, reading any byte stream
// cut into any reads, ending in any way.
//
// Input: byte 0 picks the limits and the ending (see `setup`); byte 1 is K (mod 32); the next
// K bytes are read sizes, used in turn (each + 1, capped by what the read asks); the rest is
// the stream. (scripts/fuzz.sh makes the seeds: HTTP responses built from test/data/codec with
// such a header in front.)
//
// Required: no crash; the body never grows past `body_limit`; no read asks for more than one
// read's worth (`read_size`) or the body's missing bytes; `done` or `fail` is reached at the
// end of the stream; a `done` response has a final status; a failure carries an error code.
// After a `done` that leaves the connection reusable, the rest of the stream goes to the next
// exchange on the same object (its buffers reused), as on a keep-alive connection.
#include "fuzz_support.hpp"
#include "http/exchange.hpp"

#include <boost/asio/error.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace {

using rerank::detail::http_exchange;
using action_kind = http_exchange::action::kind;

constexpr std::string_view request = "POST /r HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}";

enum class ending { orderly, truncated, io_error };

struct setup {
    rerank::detail::exchange_limits limits;
    ending end = ending::orderly;
};

// Byte 0: bits 0-1 body limit (1 MiB, 16, 256, 4096 bytes); bits 2-3 head limit (16 KiB, 64,
// 512, 4096 bytes; the chunk-line limit is the same but never above 4 KiB); bits 4-5 the ending
// (orderly end of stream, a TLS stream cut short, a connection reset); bit 6 small reads (64
// bytes); bit 7 few header fields (8) and interim responses (2).
setup decode_setup(std::uint8_t b) {
    static constexpr std::size_t bodies[] = {1 << 20, 16, 256, 4096};
    static constexpr std::size_t heads[] = {16 * 1024, 64, 512, 4096};
    static constexpr ending endings[] = {ending::orderly, ending::truncated, ending::io_error,
                                         ending::orderly};
    setup s;
    s.limits.body_limit = bodies[b & 3];
    s.limits.header_limit = heads[(b >> 2) & 3];
    s.limits.chunk_line_limit = std::min<std::size_t>(s.limits.header_limit, 4096);
    s.end = endings[(b >> 4) & 3];
    if (b & 0x40)
        s.limits.read_size = 64;
    if (b & 0x80) {
        s.limits.max_fields = 8;
        s.limits.max_interim_responses = 2;
    }
    return s;
}

[[noreturn]] void fail(const char* what, std::string_view stream) {
    rerank::fuzz::fail("http_exchange", what, stream);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2)
        return 0;
    const setup s = decode_setup(data[0]);
    const std::size_t k = std::min<std::size_t>(data[1] % 32, size - 2);
    const std::uint8_t* const read_sizes = data + 2;
    const std::string_view stream(reinterpret_cast<const char*>(data) + 2 + k, size - 2 - k);

    static http_exchange exchange; // one per connection, reused: so here too
    std::size_t at = 0;            // bytes of the stream delivered
    std::size_t reads = 0;
    std::size_t yields = 0; // each asks for a pause after a slice of reads
    for (;;) {              // one exchange per response while the connection stays reusable
        rerank::diagnostics diag;
        http_exchange::action next = exchange.start(request, s.limits, diag);
        bool ended = false; // the end of the stream (or an error) was reported
        for (bool running = true; running;) {
            switch (next.what) {
            case action_kind::write:
                next = exchange.on_written();
                break;
            case action_kind::read: {
                if (next.in.size() == 0)
                    fail("a read of nothing", stream);
                if (next.in.size() > std::max(s.limits.read_size, s.limits.body_limit))
                    fail("a read larger than a read's worth or the body's limit", stream);
                if (at == stream.size()) {
                    if (ended)
                        fail("asked to read again after the end of the stream", stream);
                    ended = true;
                    if (s.end == ending::io_error)
                        next = exchange.on_error(boost::asio::error::connection_reset);
                    else
                        next = exchange.on_end_of_stream(s.end == ending::orderly);
                    break;
                }
                std::size_t n = k ? std::size_t(read_sizes[reads % k]) + 1 : next.in.size();
                n = std::min({n, next.in.size(), stream.size() - at});
                std::memcpy(next.in.data(), stream.data() + at, n);
                at += n;
                ++reads;
                next = exchange.on_read(n);
                if (exchange.message().body.size() > s.limits.body_limit)
                    fail("the body grew past its limit", stream);
                break;
            }
            case action_kind::done: {
                const unsigned status = exchange.message().status;
                if (status >= 100 && status < 200 && status != 101)
                    fail("done with an interim response", stream);
                if (exchange.message().body.size() > s.limits.body_limit)
                    fail("done with a body over its limit", stream);
                running = false;
                break;
            }
            case action_kind::fail:
                if (!next.error)
                    fail("failed without an error code", stream);
                return 0;
            case action_kind::yield:
                // The driver posts and resumes; the data flow is unchanged.
                if (++yields > reads)
                    fail("a yield before any read", stream);
                next = exchange.on_resumed();
                break;
            default:
                fail("an action kind this driver does not know", stream);
            }
        }
        if (ended || at == stream.size() || !exchange.leaves_connection_reusable())
            return 0;
    }
}
