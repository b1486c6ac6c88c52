#include "http/exchange.hpp"

#include "http/io_error.hpp"
#include "text/printable.hpp"

#include <boost/beast/http/error.hpp>

#include <string>
#include <string_view>

namespace rerank::detail {

namespace http = boost::beast::http;
using kind = http_exchange::action::kind;

http_exchange::action http_exchange::start(std::string_view wire, const exchange_limits& limits,
                                           diagnostics& diag) {
    limits_ = limits;
    diag_ = &diag;
    interim_responses_ = 0;
    got_response_bytes_ = false;
    body_missing_ = 0;
    slice_reads_ = 0;
    slice_bytes_ = 0;
    read_buffer_.clear();
    // A peer cannot make it grow further: read_more() fails the exchange before the bytes
    // waiting for the parser pass a limit (each at most header_limit), then adds one read.
    read_buffer_.max_size(limits.header_limit + limits.read_size);
    next_message();
    stage_ = stage::writing;
    action a;
    a.what = kind::write;
    a.out = boost::asio::buffer(wire.data(), wire.size());
    return a;
}

void http_exchange::next_message() {
    head_bytes_ = 0;
    parser_.emplace(message_);
    parser_->body_limit(limits_.body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(limits_.header_limit));
    parser_->eager(true);
}

http_exchange::action http_exchange::read_into(boost::asio::mutable_buffer into) {
    action a;
    if (slice_reads_ >= limits_.slice_reads || slice_bytes_ >= limits_.slice_bytes) {
        due_read_ = into;
        a.what = kind::yield;
        return a;
    }
    a.what = kind::read;
    a.in = into;
    return a;
}

http_exchange::action http_exchange::on_resumed() noexcept {
    on_suspended();
    action a;
    a.what = kind::read;
    a.in = due_read_;
    return a;
}

http_exchange::action http_exchange::on_written() {
    stage_ = stage::reading;
    return read_more();
}

namespace {

// Whether `pending` (what a chunked body's parser has not taken) starts the last chunk
// ("0" [ext] CRLF, then the trailer section): Beast 1.81 takes neither a chunk-size line nor the
// trailers before they are complete, and the two have different limits.
bool starts_last_chunk(std::string_view pending) {
    if (pending.substr(0, 2) == "\r\n")
        pending.remove_prefix(2); // the end of the previous chunk's data
    std::size_t zeros = 0;
    while (zeros < pending.size() && pending[zeros] == '0')
        ++zeros;
    if (zeros == 0)
        return false;
    if (zeros == pending.size())
        return true; // undecided yet: the looser limit, bounded all the same
    const char next = pending[zeros];
    const bool hex = (next >= '0' && next <= '9') || (next >= 'a' && next <= 'f') ||
                     (next >= 'A' && next <= 'F');
    return !hex;
}

} // namespace

http_exchange::action http_exchange::read_more() {
    // What the parser has not taken is a head, a chunk-size line or a trailer section in
    // progress (bodies are taken as they come), each bounded: a peer that sends what never
    // completes fails the exchange instead of growing the buffer.
    const std::string_view pending(static_cast<const char*>(read_buffer_.data().data()),
                                   read_buffer_.size());
    const bool in_chunk_line =
        parser_->is_header_done() && parser_->chunked() && !starts_last_chunk(pending);
    if (in_chunk_line && pending.size() > limits_.chunk_line_limit) {
        diag_->client_message = "a chunk-size line longer than " +
                                std::to_string(limits_.chunk_line_limit) +
                                " bytes (chunk extensions)";
        return fail(errc::bad_response);
    }
    // (A head in progress never gets here over its limit: parse() bounds it as a whole.)
    if (pending.size() > limits_.header_limit) {
        diag_->client_message =
            "response trailers larger than " + std::to_string(limits_.header_limit) + " bytes";
        return fail(errc::bad_response);
    }
    return read_into(read_buffer_.prepare(limits_.read_size));
}

http_exchange::action http_exchange::on_read(std::size_t bytes) {
    got_response_bytes_ = true;
    ++slice_reads_;
    slice_bytes_ += bytes;
    if (stage_ == stage::reading_body) {
        body_at_ += bytes;
        body_missing_ -= bytes;
        if (body_missing_ == 0)
            return finish();
        return read_into(boost::asio::buffer(body_at_, body_missing_));
    }
    read_buffer_.commit(bytes);
    return parse();
}

http_exchange::action http_exchange::parse() {
    while (read_buffer_.size() != 0) {
        response_parser& parser = *parser_;
        boost::beast::error_code ec;
        const std::size_t taken = parser.put(read_buffer_.data(), ec);
        read_buffer_.consume(taken);
        if (message_.fields > limits_.max_fields) {
            diag_->client_message =
                "more than " + std::to_string(limits_.max_fields) + " header and trailer fields";
            return fail(errc::bad_response);
        }
        // Beast 1.81 bounds only the part of a head it has not taken yet, and takes complete
        // fields as they come: the head's total (taken and waiting) is bounded here.
        if (ec == http::error::header_limit ||
            (!parser.is_header_done() &&
             (head_bytes_ += taken) + read_buffer_.size() > limits_.header_limit)) {
            diag_->client_message =
                "response headers larger than " + std::to_string(limits_.header_limit) + " bytes";
            return fail(errc::bad_response);
        }
        if (ec == http::error::body_limit) {
            diag_->client_message = "response body larger than max_response_bytes (" +
                                    std::to_string(limits_.body_limit) + " bytes)";
            return fail(errc::bad_response);
        }
        if (ec == http::error::need_more)
            break;
        if (ec)
            return fail_io(ec);
        if (parser.is_done()) {
            // Beast completes a 1xx response at its header: an interim response (100
            // Continue, 103 Early Hints); the final one follows on the same connection.
            const unsigned status = message_.status;
            if (status < 100 || status >= 200 || status == 101)
                return finish();
            if (++interim_responses_ > limits_.max_interim_responses) {
                diag_->client_message = "more than " +
                                        std::to_string(limits_.max_interim_responses) +
                                        " interim (1xx) responses";
                return fail(errc::bad_response);
            }
            next_message();
            continue;
        }
        // (content_length_remaining asserts a complete header: ask only then.)
        if (read_buffer_.size() == 0 && parser.is_header_done()) {
            if (const auto remaining = parser.content_length_remaining()) {
                // The rest of a Content-Length body goes straight into the message, past the
                // parser (which has reserved room for it).
                body_missing_ = static_cast<std::size_t>(*remaining);
                body_at_ = message_.body.extend(body_missing_);
                stage_ = stage::reading_body;
                return read_into(boost::asio::buffer(body_at_, body_missing_));
            }
        }
    }
    return read_more();
}

http_exchange::action http_exchange::on_end_of_stream(bool orderly) {
    if (stage_ == stage::reading) {
        // Only an orderly end completes a body delimited by the end of the connection.
        response_parser& parser = *parser_;
        if (orderly && parser.got_some() && parser.need_eof()) {
            boost::beast::error_code eof_ec;
            parser.put_eof(eof_ec);
            if (!eof_ec)
                return finish();
        }
    }
    return fail_io(got_response_bytes_ ? http::error::partial_message : http::error::end_of_stream);
}

http_exchange::action http_exchange::on_error(const error_code& io) {
    return fail_io(io);
}

http_exchange::action http_exchange::fail_io(const error_code& io) {
    return fail(classify_io_error(io, stage_ == stage::writing ? "write" : "read", *diag_));
}

http_exchange::action http_exchange::fail(error_code ec) {
    if (stage_ == stage::reading_body)
        message_.body.shrink_to(message_.body.size() - body_missing_); // what never came
    stage_ = stage::finished;
    action a;
    a.what = kind::fail;
    a.error = ec;
    return a;
}

http_exchange::action http_exchange::finish() {
    if (!is_identity_coding(message_.content_encoding))
        return decode_body();
    stage_ = stage::finished;
    return action{};
}

http_exchange::action http_exchange::decode_body() {
    stage_ = stage::finished; // the body is complete: nothing is missing from it
    if (!is_gzip_coding(message_.content_encoding)) {
        // The client asks for gzip or nothing; a coding it cannot undo is never passed on
        // as if it were the JSON it stands for.
        diag_->client_message = "response Content-Encoding \"" +
                                text::printable(message_.content_encoding) +
                                "\", which the client does not decode (only gzip)";
        return fail(errc::bad_response);
    }
    if (message_.body.empty())
        return action{}; // nothing was encoded (a body-less answer with the field set)
    const error_code ec =
        gzip_.inflate(message_.body, limits_.body_limit, inflated_, diag_->client_message);
    if (ec)
        return fail(ec);
    message_.body.swap(inflated_);
    return action{};
}

bool http_exchange::leaves_connection_reusable() const noexcept {
    // Connection: close, a 101 (Switching Protocols) or stray bytes after the response end it.
    return message_.status >= 200 && message_.keep_alive && read_buffer_.size() == 0;
}

} // namespace rerank::detail
