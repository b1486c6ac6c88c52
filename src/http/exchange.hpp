// One HTTP/1.1 request and its response on a keep-alive connection, apart from any I/O.
#pragma once

#include "http/gzip_decoder.hpp"
#include "http/response_parser.hpp"

#include <rerank/diagnostics.hpp>
#include <rerank/error.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace rerank::detail {

/// What one exchange may be made to hold or read: every limit a peer could otherwise push.
struct exchange_limits {
    /// Largest response body, in bytes (`client_options::max_response_bytes`): as received, and
    /// again once inflated when it came gzip-encoded.
    std::size_t body_limit = 0;
    /// Largest response head (status line and header fields), in bytes, of each message; also
    /// the largest trailer section.
    std::size_t header_limit = 16 * 1024;
    /// Header fields of a response (and of its trailer section), counted together.
    std::size_t max_fields = 128;
    /// Longest chunk-size line of a chunked body, extensions included, in bytes.
    std::size_t chunk_line_limit = 4 * 1024;
    /// Interim (1xx) responses accepted before the final one.
    unsigned max_interim_responses = 8;
    /// Bytes asked of the connection per read into the parse buffer: one TLS record's worth
    /// (SSL_read returns at most a record per call anyway).
    std::size_t read_size = 16 * 1024;
    /// A slice: the reads, and the bytes, taken in a row without the driver suspending, after
    /// which the machine asks it to yield (`action::kind::yield`). A peer that keeps the
    /// socket full never lets a read wait, and the timers of the strand (this call's deadline,
    /// every other call's) run only when the coroutine suspends. Both bounds: a read costs
    /// about the same for one byte (one TLS record each) as for 16 KB, and a read straight into
    /// a body may take megabytes. A slice of the costliest input (64 KB of one-byte chunks over
    /// TLS) takes about a millisecond: measured, a call ends 1-8 ms after its deadline under
    /// such a flood, where 256 KB slices gave 15-25 ms. A response of less than 32 reads and
    /// 64 KB never pays a post; larger ones pay one (about a microsecond) per 64 KB, against
    /// the 20-60 us of reading (and decrypting) them.
    unsigned slice_reads = 32;
    std::size_t slice_bytes = 64 * 1024;
};

/// The exchange as a state machine (Boost.MySQL's sans-io style): the driver performs the
/// action each step returns and reports what came of it; the machine decides everything
/// else — parsing, interim responses, reading a Content-Length body straight into the
/// message, the limits, how an end of stream or error is reported, and whether the
/// connection may carry another exchange. One object per connection, reused for every
/// exchange on it so that buffers keep their capacity.
class http_exchange {
public:
    /// What the driver does next.
    struct action {
        enum class kind : std::uint8_t {
            write, ///< send all of `out`, then `on_written()`
            read,  ///< read at most `in.size()` bytes into `in`, then `on_read(n)` (n > 0),
                   ///< `on_end_of_stream()` or `on_error()`; wait for readiness as needed
            yield, ///< let the executor run other work (a post), then `on_resumed()`
            done,  ///< the response is complete in `message()`
            fail,  ///< the exchange failed with `error` (the diagnostics say why)
        };
        kind what = kind::done;
        boost::asio::const_buffer out;
        boost::asio::mutable_buffer in;
        error_code error;
    };

    /// Begins an exchange: the request `wire` (complete, head and body) goes out first.
    /// `diag` receives the failure's description and must outlive the exchange.
    action start(std::string_view wire, const exchange_limits& limits, diagnostics& diag);
    action on_written();
    action on_read(std::size_t bytes);
    /// The peer ended the stream: `orderly` for a plain FIN or a TLS close_notify, false for a
    /// TLS stream cut short (which never completes a body delimited by the end of stream).
    action on_end_of_stream(bool orderly);
    action on_error(const error_code& io);
    /// The driver suspended while waiting for readiness: other work has run since (starts a
    /// new slice).
    void on_suspended() noexcept { slice_reads_ = 0, slice_bytes_ = 0; }
    /// After `yield`: the read that was due.
    action on_resumed() noexcept;

    response_message& message() noexcept { return message_; }
    /// Whether the exchange failed before a single response byte arrived (the request then
    /// may never have reached the server: a stale keep-alive connection).
    bool failed_before_response() const noexcept { return !got_response_bytes_; }
    /// After `done`: whether the connection may carry another exchange — a final response
    /// that allowed keep-alive and no byte after it. (The driver adds what only it can see:
    /// input its transport buffered.)
    bool leaves_connection_reusable() const noexcept;
    /// What the parse buffer holds room for: at most `header_limit + read_size` whatever a
    /// peer sends.
    std::size_t buffer_capacity() const noexcept { return read_buffer_.capacity(); }

private:
    enum class stage : std::uint8_t { idle, writing, reading, reading_body, finished };

    void next_message();
    /// Feeds buffered bytes to the parser and says what follows.
    action parse();
    action read_more();
    /// A read into `into`, or a yield first when the slice is spent.
    action read_into(boost::asio::mutable_buffer into);
    action fail(error_code ec);
    action fail_io(const error_code& io);
    action finish();
    /// Undoes the response's `Content-Encoding` in place: gzip is inflated (bounded by
    /// `body_limit`), anything else but identity is refused.
    action decode_body();

    stage stage_ = stage::idle;
    exchange_limits limits_;
    diagnostics* diag_ = nullptr;
    response_message message_;
    std::optional<response_parser> parser_; // a new one per message (interim ones first)
    boost::beast::flat_buffer read_buffer_;
    std::size_t head_bytes_ = 0; // of the current message's head, taken by the parser
    unsigned interim_responses_ = 0;
    bool got_response_bytes_ = false;
    // The current slice: reads and bytes since the driver last suspended; the read due after
    // a yield.
    unsigned slice_reads_ = 0;
    std::size_t slice_bytes_ = 0;
    boost::asio::mutable_buffer due_read_;
    // A Content-Length body read in place: where the next bytes go and how many are missing.
    char* body_at_ = nullptr;
    std::size_t body_missing_ = 0;
    // A gzip body's inflate state and the buffer it inflates into (which then trades places
    // with the message's body): both kept for every exchange of the connection.
    gzip_decoder gzip_;
    body_buffer inflated_;
};

} // namespace rerank::detail
