// The HTTP exchange machine without sockets: responses fed in every split, every ending.
#include "http/exchange.hpp"
#include "support/gzip.hpp"

#include <boost/asio/ssl/error.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

using namespace rerank;
using namespace rerank::detail;
using action_kind = http_exchange::action::kind;

namespace {

const std::string request = "POST /rerank HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}";

std::string ok_response(std::string_view body, std::string_view extra_headers = {}) {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + std::string(extra_headers) +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

// Drives one exchange the way the connection does, with bytes from a script instead of a
// socket: at most `chunk` bytes per read.
struct scripted_exchange {
    http_exchange exchange;
    diagnostics diag;
    exchange_limits limits;
    std::size_t reads = 0;
    std::size_t yields = 0;
    // The longest slice (reads and bytes between yields) seen.
    std::size_t slice_reads = 0, slice_bytes = 0, max_slice_reads = 0, max_slice_bytes = 0;
    std::size_t max_capacity = 0; // of the parse buffer, over the exchange

    scripted_exchange() { limits.body_limit = 1 << 20; }

    enum class ending { none, orderly, truncated };

    // Sends the request, then reads `response` in chunks; at its end, reports the end of
    // stream (or not, leaving the machine asking for more).
    http_exchange::action run(std::string_view response, std::size_t chunk,
                              ending end = ending::none) {
        auto next = exchange.start(request, limits, diag);
        BOOST_TEST_REQUIRE((next.what == action_kind::write));
        BOOST_TEST(std::string_view(static_cast<const char*>(next.out.data()), next.out.size()) ==
                   request);
        next = exchange.on_written();
        std::size_t at = 0;
        while (next.what == action_kind::read || next.what == action_kind::yield) {
            max_capacity = std::max(max_capacity, exchange.buffer_capacity());
            if (next.what == action_kind::yield) {
                ++yields;
                max_slice_reads = std::max(max_slice_reads, slice_reads);
                max_slice_bytes = std::max(max_slice_bytes, slice_bytes);
                slice_reads = slice_bytes = 0;
                next = exchange.on_resumed();
                continue;
            }
            BOOST_TEST_REQUIRE(next.in.size() != 0u);
            if (at == response.size()) {
                if (end == ending::none)
                    return next;
                return exchange.on_end_of_stream(end == ending::orderly);
            }
            const std::size_t n = std::min({chunk, next.in.size(), response.size() - at});
            std::memcpy(next.in.data(), response.data() + at, n);
            at += n;
            ++reads;
            ++slice_reads;
            slice_bytes += n;
            next = exchange.on_read(n);
        }
        return next;
    }
    std::string body() { return std::string(exchange.message().body.view()); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(http_exchange_machine)

BOOST_AUTO_TEST_CASE(content_length_response_in_every_split) {
    const std::string body = R"({"output":{"results":[]},"request_id":"r"})";
    const std::string response =
        ok_response(body, "x-request-id: abc\r\nRetry-After: 3\r\nretry-after-ms: 250\r\n");
    for (std::size_t chunk = 1; chunk <= response.size(); ++chunk) {
        scripted_exchange s;
        const auto end = s.run(response, chunk);
        BOOST_TEST_REQUIRE((end.what == action_kind::done), "chunk " << chunk);
        BOOST_TEST(s.body() == body);
        const auto& m = s.exchange.message();
        BOOST_TEST(m.status == 200u);
        BOOST_TEST(m.request_id == "abc");
        BOOST_TEST(m.retry_after == "3");
        BOOST_TEST(m.retry_after_ms == "250");
        BOOST_TEST(s.exchange.leaves_connection_reusable());
        BOOST_TEST(!s.exchange.failed_before_response());
    }
}

BOOST_AUTO_TEST_CASE(the_rest_of_a_known_length_body_is_read_in_place) {
    const std::string body(100000, 'x');
    const std::string response = ok_response(body);
    const std::size_t head = response.size() - body.size();
    scripted_exchange s;
    http_exchange::action next = s.exchange.start(request, s.limits, s.diag);
    next = s.exchange.on_written();
    // The head alone arrives first...
    std::memcpy(next.in.data(), response.data(), head);
    next = s.exchange.on_read(head);
    // ...and the machine asks for the whole body at once, in the message's own buffer.
    BOOST_TEST_REQUIRE((next.what == action_kind::read));
    BOOST_TEST(next.in.size() == body.size());
    BOOST_TEST(static_cast<const char*>(next.in.data()) == s.exchange.message().body.view().data());
    std::memcpy(next.in.data(), body.data(), 60000);
    next = s.exchange.on_read(60000);
    BOOST_TEST(next.in.size() == 40000u);
    std::memcpy(next.in.data(), body.data() + 60000, 40000);
    BOOST_TEST((s.exchange.on_read(40000).what == action_kind::done));
    BOOST_TEST(s.body() == body);
}

BOOST_AUTO_TEST_CASE(chunked_response) {
    const std::string response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                 "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n";
    for (std::size_t chunk : {1u, 3u, 17u, 4096u}) {
        scripted_exchange s;
        BOOST_TEST_REQUIRE((s.run(response, chunk).what == action_kind::done));
        BOOST_TEST(s.body() == "hello, world");
        BOOST_TEST(s.exchange.leaves_connection_reusable());
    }
}

BOOST_AUTO_TEST_CASE(interim_responses_come_before_the_final_one) {
    const std::string response = "HTTP/1.1 100 Continue\r\n\r\n"
                                 "HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n" +
                                 ok_response("{}");
    for (std::size_t chunk : {1u, 7u, 4096u}) {
        scripted_exchange s;
        BOOST_TEST_REQUIRE((s.run(response, chunk).what == action_kind::done));
        BOOST_TEST(s.exchange.message().status == 200u);
        BOOST_TEST(s.body() == "{}");
    }
}

BOOST_AUTO_TEST_CASE(interim_responses_are_bounded) {
    std::string response;
    scripted_exchange s;
    for (unsigned i = 0; i <= s.limits.max_interim_responses; ++i)
        response += "HTTP/1.1 100 Continue\r\n\r\n";
    response += ok_response("{}");
    const auto end = s.run(response, 4096);
    BOOST_TEST((end.what == action_kind::fail));
    BOOST_TEST((end.error == errc::bad_response));
    BOOST_TEST(s.diag.client_message == "more than 8 interim (1xx) responses");
}

BOOST_AUTO_TEST_CASE(what_ends_a_connection) {
    struct row {
        const char* name;
        std::string response;
    };
    const row rows[] = {
        {"Connection: close", ok_response("{}", "Connection: close\r\n")},
        {"switching protocols", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n"},
        {"bytes after the response", ok_response("{}") + "HTTP/1.1 200 OK\r\n"},
        {"HTTP/1.0 without keep-alive", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}"},
    };
    for (const row& r : rows) {
        scripted_exchange s;
        BOOST_TEST_REQUIRE((s.run(r.response, 4096).what == action_kind::done), r.name);
        BOOST_TEST(!s.exchange.leaves_connection_reusable(), r.name);
    }
}

BOOST_AUTO_TEST_CASE(body_over_the_limit) {
    scripted_exchange s;
    s.limits.body_limit = 10;
    const auto end = s.run(ok_response(std::string(11, 'x')), 4096);
    BOOST_TEST((end.error == errc::bad_response));
    BOOST_TEST(s.diag.client_message == "response body larger than max_response_bytes (10 bytes)");

    scripted_exchange chunked; // the limit holds for bodies of unknown length too
    chunked.limits.body_limit = 10;
    const auto chunked_end = chunked.run(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\nabcdef\r\n",
        4096);
    BOOST_TEST((chunked_end.error == errc::bad_response));
}

BOOST_AUTO_TEST_CASE(head_over_the_limit) {
    std::string response = "HTTP/1.1 200 OK\r\n";
    while (response.size() < 20000)
        response += "X-Filler: " + std::string(300, 'f') + "\r\n";
    for (std::size_t chunk : {1u, 100u, 4096u, 20000u}) {
        scripted_exchange s;
        const auto end = s.run(response, chunk);
        BOOST_TEST((end.what == action_kind::fail));
        BOOST_TEST((end.error == errc::bad_response));
        BOOST_TEST(s.diag.client_message.find("larger than 16384 bytes") != std::string::npos,
                   s.diag.client_message);
    }
}

BOOST_AUTO_TEST_CASE(chunk_size_lines_are_bounded) {
    const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    // Extensions up to the limit are fine...
    scripted_exchange fine;
    const std::string ext(3000, 'e');
    BOOST_TEST_REQUIRE(
        (fine.run(head + "5;x=" + ext + "\r\nhello\r\n0;y=" + ext + "\r\n\r\n", 1000).what ==
         action_kind::done));
    BOOST_TEST(fine.body() == "hello");
    // ...a line that never ends is not, whether it starts the body or follows a chunk.
    for (const std::string& start : {std::string("5;ext="), std::string("5\r\nhello\r\n3;a=")}) {
        for (std::size_t chunk : {7u, 4096u}) {
            scripted_exchange s;
            const auto end = s.run(head + start + std::string(100000, 'e'), chunk);
            BOOST_TEST((end.error == errc::bad_response));
            BOOST_TEST(s.diag.client_message ==
                       "a chunk-size line longer than 4096 bytes (chunk extensions)");
        }
    }
}

BOOST_AUTO_TEST_CASE(trailers_are_bounded) {
    const std::string body = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "2\r\n{}\r\n0\r\n";
    scripted_exchange fine;
    BOOST_TEST_REQUIRE((fine.run(body + "X-Checksum: 1234\r\n\r\n", 5).what == action_kind::done));
    BOOST_TEST(fine.body() == "{}");

    std::string endless = body;
    while (endless.size() < 40000)
        endless += "X-Trailer: " + std::string(50, 't') + "\r\n";
    for (std::size_t chunk : {100u, 4096u}) {
        scripted_exchange s;
        const auto end = s.run(endless, chunk);
        BOOST_TEST((end.error == errc::bad_response));
        BOOST_TEST(s.diag.client_message == "response trailers larger than 16384 bytes");
    }
}

// Whatever never completes (a head, a chunk-size line, trailers), fed in any reads: the parse
// buffer never holds more than the head limit plus one read.
BOOST_AUTO_TEST_CASE(the_parse_buffer_never_outgrows_a_head_and_a_read) {
    const std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    std::string head = "HTTP/1.1 200 OK\r\n", trailers = chunked + "2\r\n{}\r\n0\r\n";
    while (head.size() < 100000)
        head += "X-F: " + std::string(90, 'f') + "\r\n";
    while (trailers.size() < 100000)
        trailers += "X-T: " + std::string(90, 't') + "\r\n";
    const std::string floods[] = {head, chunked + "1;a=" + std::string(100000, 'e'), trailers};
    for (const std::string& flood : floods) {
        for (std::size_t chunk : {1000u, 9000u, 16384u, 100000u}) {
            scripted_exchange s;
            const auto end = s.run(flood, chunk);
            BOOST_TEST((end.error == errc::bad_response));
            BOOST_TEST(s.max_capacity <= s.limits.header_limit + s.limits.read_size);
        }
    }
}

// The yield-to-timers rule: a peer that keeps the socket full gets a slice (32 reads or 64 KB
// without the driver suspending), then the driver must let the executor run other work.
BOOST_AUTO_TEST_CASE(reads_in_a_row_yield_every_slice) {
    // An endless chunked body of one-byte chunks (parseable, never done), and an 8 MB
    // Content-Length body read straight into the message (300 KB reads: a yield after each).
    std::string flood = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    while (flood.size() < 3'000'000)
        flood += "1\r\nx\r\n";
    const std::string large = ok_response(std::string(8'000'000, 'b'));
    struct row {
        const std::string& response;
        std::size_t read_size;
        std::size_t reads; // fed
    };
    for (const row r : {row{flood, 1, 1000}, row{flood, 16384, 180}, row{large, 300000, 26}}) {
        scripted_exchange s;
        s.limits.body_limit = 1 << 30;
        const auto end =
            s.run(std::string_view(r.response).substr(0, r.read_size * r.reads), r.read_size);
        BOOST_TEST_REQUIRE((end.what == action_kind::read), r.read_size);
        BOOST_TEST(s.yields >= 2u, r.read_size);
        BOOST_TEST(s.max_slice_reads <= 32u, r.read_size);
        BOOST_TEST(s.max_slice_bytes < s.limits.slice_bytes + r.read_size, r.read_size);
    }

    // A driver that suspends (waits for readiness) between reads starts a new slice each time.
    scripted_exchange waiting;
    waiting.limits.body_limit = 1 << 30;
    auto next = waiting.exchange.start(request, waiting.limits, waiting.diag);
    next = waiting.exchange.on_written();
    for (std::size_t at = 0; at < 200000; at += 100) {
        BOOST_TEST_REQUIRE((next.what == action_kind::read));
        std::memcpy(next.in.data(), flood.data() + at, 100);
        next = waiting.exchange.on_read(100);
        waiting.exchange.on_suspended();
    }

    // A response that arrives in one or two reads never pays a yield.
    scripted_exchange quick;
    BOOST_TEST_REQUIRE(
        (quick.run(ok_response(std::string(50'000, 'b')), 100'000).what == action_kind::done));
    BOOST_TEST(quick.reads == 2u);
    BOOST_TEST(quick.yields == 0u);
}

BOOST_AUTO_TEST_CASE(header_fields_are_counted) {
    auto with_fields = [](int n) {
        std::string extra;
        for (int i = 0; i < n; ++i)
            extra += "X-" + std::to_string(i) + ": v\r\n";
        return ok_response("{}", extra);
    };
    scripted_exchange fine; // 2 fields of ok_response's own, 126 more
    BOOST_TEST((fine.run(with_fields(126), 4096).what == action_kind::done));
    scripted_exchange s;
    const auto end = s.run(with_fields(127), 4096);
    BOOST_TEST((end.error == errc::bad_response));
    BOOST_TEST(s.diag.client_message == "more than 128 header and trailer fields");
}

BOOST_AUTO_TEST_CASE(malformed_answers) {
    for (const char* response : {"HTTP/1.1 2000 OK\r\n\r\n", "SSH-2.0-OpenSSH\r\n\r\n",
                                 "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"}) {
        scripted_exchange s;
        const auto end = s.run(response, 4096);
        BOOST_TEST((end.error == errc::bad_response), response);
    }
}

BOOST_AUTO_TEST_CASE(a_body_delimited_by_the_end_of_stream) {
    const std::string response = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"a\":1}";
    scripted_exchange orderly;
    BOOST_TEST_REQUIRE(
        (orderly.run(response, 5, scripted_exchange::ending::orderly).what == action_kind::done));
    BOOST_TEST(orderly.body() == "{\"a\":1}");
    BOOST_TEST(!orderly.exchange.leaves_connection_reusable());

    // A TLS stream cut without close_notify may have lost the end of the body.
    scripted_exchange truncated;
    const auto end = truncated.run(response, 5, scripted_exchange::ending::truncated);
    BOOST_TEST((end.error == errc::connection_failed));
}

BOOST_AUTO_TEST_CASE(end_of_stream_before_any_byte_marks_a_stale_connection) {
    scripted_exchange s;
    const auto end = s.run("", 1, scripted_exchange::ending::orderly);
    BOOST_TEST((end.error == errc::connection_failed));
    BOOST_TEST(s.exchange.failed_before_response());
}

BOOST_AUTO_TEST_CASE(end_of_stream_mid_body_is_a_broken_connection) {
    const std::string response = ok_response(std::string(1000, 'b'));
    for (std::size_t cut : {response.size() - 1000 + 10, response.size() - 1, std::size_t(20)}) {
        scripted_exchange s;
        const auto end = s.run(std::string_view(response).substr(0, cut), 64,
                               scripted_exchange::ending::orderly);
        BOOST_TEST((end.error == errc::connection_failed));
        BOOST_TEST(!s.exchange.failed_before_response());
        BOOST_TEST(s.diag.client_message.find("read failed") == 0u, s.diag.client_message);
        BOOST_TEST(s.exchange.message().body.size() < 1000u); // only what arrived
    }
}

BOOST_AUTO_TEST_CASE(io_errors_name_their_phase) {
    scripted_exchange s;
    auto next = s.exchange.start(request, s.limits, s.diag);
    next = s.exchange.on_error(make_error_code(boost::system::errc::broken_pipe));
    BOOST_TEST((next.error == errc::connection_failed));
    BOOST_TEST(s.diag.client_message.find("write failed") == 0u);

    next = s.exchange.start(request, s.limits, s.diag);
    next = s.exchange.on_written();
    next = s.exchange.on_error(make_error_code(boost::system::errc::connection_reset));
    BOOST_TEST((next.error == errc::connection_failed));
    BOOST_TEST(s.diag.client_message.find("read failed") == 0u);

    // What the TLS failure mapper gives for an SSL_get_error result it never expects.
    next = s.exchange.start(request, s.limits, s.diag);
    next = s.exchange.on_written();
    next = s.exchange.on_error(boost::asio::ssl::error::unexpected_result);
    BOOST_TEST((next.error == errc::tls_failure));
}

BOOST_AUTO_TEST_CASE(one_machine_serves_exchange_after_exchange) {
    scripted_exchange s;
    BOOST_TEST_REQUIRE((s.run(ok_response("{\"first\":1}", "x-request-id: one\r\n"), 4096).what ==
                        action_kind::done));
    BOOST_TEST_REQUIRE((s.run(ok_response("{}"), 3).what == action_kind::done));
    BOOST_TEST(s.body() == "{}");
    BOOST_TEST(s.exchange.message().request_id.empty());
    BOOST_TEST_REQUIRE(
        (s.run("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n", 4096).what == action_kind::done));
    BOOST_TEST(s.exchange.message().status == 503u);
}

// A gzip body is inflated in place, however it was framed, and the machine reuses its state for
// the next one; a coding the client cannot undo fails the exchange.
BOOST_AUTO_TEST_CASE(gzip_bodies_are_inflated_other_codings_refused) {
    scripted_exchange s;
    const std::string json = R"({"results":[{"index":0,"relevance_score":0.5}],"padding":")" +
                             std::string(30000, 'p') + "\"}";
    const std::string packed = test::gzip(json);
    for (std::size_t chunk : {1u, 7u, 4096u}) {
        BOOST_TEST_REQUIRE((s.run(ok_response(packed, "Content-Encoding: gzip\r\n"), chunk).what ==
                            action_kind::done));
        BOOST_TEST(s.body() == json);
        BOOST_TEST(s.exchange.leaves_connection_reusable());
    }
    std::string chunked = "HTTP/1.1 200 OK\r\nContent-Encoding: x-gzip\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n";
    for (std::size_t at = 0; at < packed.size(); at += 100) {
        const std::string piece = packed.substr(at, 100);
        char hex[16];
        std::snprintf(hex, sizeof hex, "%zx\r\n", piece.size());
        chunked += hex + piece + "\r\n";
    }
    BOOST_TEST_REQUIRE((s.run(chunked + "0\r\n\r\n", 333).what == action_kind::done));
    BOOST_TEST(s.body() == json);
    // No body at all: nothing to inflate.
    BOOST_TEST_REQUIRE(
        (s.run("HTTP/1.1 204 No Content\r\nContent-Encoding: gzip\r\n\r\n", 4096).what ==
         action_kind::done));

    for (const char* coding : {"br", "deflate", "gzip, gzip", "compress", "gzip\xc2\x9b"}) {
        const auto next =
            s.run(ok_response(packed, "Content-Encoding: " + std::string(coding) + "\r\n"), 4096);
        BOOST_TEST_REQUIRE((next.what == action_kind::fail), coding);
        BOOST_TEST((next.error == errc::bad_response), coding);
        BOOST_TEST(s.diag.client_message.find("does not decode") != std::string::npos,
                   s.diag.client_message);
        BOOST_TEST(s.diag.client_message.find("\xc2\x9b") == std::string::npos); // escaped
    }
    // Two fields stack two codings.
    const auto twice =
        s.run(ok_response(packed, "Content-Encoding: gzip\r\nContent-Encoding: gzip\r\n"), 4096);
    BOOST_TEST((twice.error == errc::bad_response));
}

// The inflated size is bounded by the body limit, as the received size is.
BOOST_AUTO_TEST_CASE(gzip_bodies_are_bounded_by_the_body_limit_once_inflated) {
    scripted_exchange s;
    s.limits.body_limit = 100000;
    const std::string bomb = test::gzip(std::string(10 << 20, '{'));
    BOOST_TEST_REQUIRE(bomb.size() < s.limits.body_limit);
    for (const std::string& body : {bomb, test::with_declared_size(bomb, 10)}) {
        const auto next = s.run(ok_response(body, "Content-Encoding: gzip\r\n"), 4096);
        BOOST_TEST_REQUIRE((next.what == action_kind::fail));
        BOOST_TEST((next.error == errc::bad_response));
        BOOST_TEST(s.diag.client_message.find("max_response_bytes (100000 bytes)") !=
                       std::string::npos,
                   s.diag.client_message);
    }
    const auto truncated =
        s.run(ok_response(test::gzip("{}").substr(0, 15), "Content-Encoding: gzip\r\n"), 4096);
    BOOST_TEST((truncated.error == errc::bad_response));
    BOOST_TEST(s.diag.client_message.starts_with("malformed gzip"), s.diag.client_message);
}

BOOST_AUTO_TEST_SUITE_END()
