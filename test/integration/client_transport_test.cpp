// The client's HTTP transport against a scripted raw server: message framing (chunked,
// close-delimited, stray bytes, 1xx), input cut into any pieces, TLS close_notify, truncation
// and KeyUpdate, a server that closes mid-request, and the size limits.
#include "integration/call_helpers.hpp"
#include "integration/scripted_server.hpp"
#include "support/emulator_fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

using namespace rerank;
using namespace rerank::test;
using namespace rerank::test::scripted;
namespace net = boost::asio;
using net::as_tuple;
using net::use_awaitable;
using net::ip::tcp;
using namespace std::chrono_literals;

namespace {

// ---- What the server answers ---------------------------------------------------------------

// The ranking every successful answer to sample_request() carries, best first.
constexpr std::size_t ranked_index[] = {1, 4, 2, 0, 3};
constexpr const char* ranked_score[] = {"0.9", "0.75", "0.5", "0.25", "0.125"};
constexpr double ranked_value[] = {0.9, 0.75, 0.5, 0.25, 0.125};

/// A compatible-dialect body for sample_request(). `padding` bytes of echoed document text
/// (which the client ignores) make it as large as a test needs.
std::string ranking_json(std::size_t padding = 0) {
    std::string json = R"({"id":"transport-test","object":"list","model":"qwen3-rerank",)"
                       R"("results":[)";
    for (std::size_t i = 0; i < std::size(ranked_index); ++i) {
        json += i ? "," : "";
        json += R"({"index":)" + std::to_string(ranked_index[i]) + R"(,"relevance_score":)" +
                ranked_score[i] + R"(,"document":{"text":")" +
                std::string(i == 0 ? padding : 0, 'x') + R"("}})";
    }
    return json + R"(],"usage":{"total_tokens":123}})";
}

const std::string ok_head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";

std::string with_length(const std::string& body, const std::string& extra_fields = "") {
    return ok_head + extra_fields + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
           body;
}

/// `body` in chunks whose sizes cycle through `sizes`, with an extension and a trailer.
std::string chunked(const std::string& body, std::span<const std::size_t> sizes) {
    std::string out = ok_head + "Transfer-Encoding: chunked\r\n\r\n";
    for (std::size_t at = 0, i = 0; at < body.size(); ++i) {
        const std::size_t n = std::min(sizes[i % sizes.size()], body.size() - at);
        char hex[32];
        std::snprintf(hex, sizeof hex, "%zx", n);
        out += hex + std::string(i == 1 ? ";note=\"second\"" : "") + "\r\n";
        out.append(body, at, n).append("\r\n");
        at += n;
    }
    return out + "0\r\nX-Trailer: end\r\n\r\n";
}

/// No Content-Length, no chunking: the body ends where the connection does.
std::string close_delimited(const std::string& body) {
    return ok_head + "\r\n" + body;
}

/// What a client reusing the connection would wrongly take as the next call's answer.
const std::string stray_response =
    "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\n\r\n{}";

void check_ranking(const call_outcome& out, const request& req) {
    BOOST_TEST(!out.ec, out.ec.message() << ": " << out.diag.to_string());
    BOOST_TEST(out.res.results.size() == std::size(ranked_index));
    if (out.res.results.size() != std::size(ranked_index))
        return;
    for (std::size_t i = 0; i < std::size(ranked_index); ++i) {
        const result& r = out.res.results[i];
        BOOST_TEST(r.index == ranked_index[i]);
        BOOST_TEST(r.relevance_score == ranked_value[i]);
        BOOST_TEST(r.document == req.documents[ranked_index[i]]);
    }
    BOOST_TEST(out.res.id == "transport-test");
    BOOST_TEST(out.res.usage.total_tokens == 123u);
}

constexpr bool tls_and_plain[] = {true, false};

const char* name(bool tls) {
    return tls ? "https" : "http";
}

} // namespace

BOOST_AUTO_TEST_SUITE(client_transport)

// 1. Chunks of 1 byte to 17,000 (one spans two TLS records), an extension and a trailer, sent in
// writes cut anywhere (mid size line, mid CRLF, mid data). The response is fully delimited, so
// the second call reuses the connection.
BOOST_AUTO_TEST_CASE(chunked_response_in_assorted_pieces) {
    static constexpr std::size_t chunk_sizes[] = {1, 15, 256, 3000, 17000};
    static constexpr std::size_t write_sizes[] = {7, 1, 2, 3, 5, 8, 13, 100, 1000, 4096, 17000};
    for (bool tls : tls_and_plain) {
        BOOST_TEST_CONTEXT(name(tls)) {
            io_fixture f;
            const std::string wire = chunked(ranking_json(30000), chunk_sizes);
            scripted_server server(f.ioc, tls, [&](peer& p, std::size_t) -> net::awaitable<void> {
                for (;;) {
                    co_await p.read_request();
                    co_await p.send_pieces(wire, write_sizes, 1ms);
                }
            });
            f.run([&]() -> net::awaitable<void> {
                client c(f.ioc.get_executor(), server.options_for_client());
                const request req = sample_request();
                check_ranking(co_await call(c, req), req);
                check_ranking(co_await call(c, req), req);
                BOOST_TEST(c.stats().connections_created == 1u);
                BOOST_TEST(c.stats().connections_reused == 1u);
                BOOST_TEST(
                    server.log().request_lines ==
                        std::vector<std::string>(2, "POST /compatible-api/v1/reranks HTTP/1.1"),
                    boost::test_tools::per_element());
                server.stop();
            });
        }
    }
}

// 2a/2c. A body delimited by the end of the stream: a TLS close_notify, or a TCP FIN over plain
// HTTP, completes it; the connection is then done with.
BOOST_AUTO_TEST_CASE(close_delimited_response_ends_with_the_stream) {
    for (bool tls : tls_and_plain) {
        BOOST_TEST_CONTEXT(name(tls)) {
            io_fixture f;
            scripted_server server(f.ioc, tls, [&](peer& p, std::size_t) -> net::awaitable<void> {
                co_await p.read_request();
                co_await p.send(close_delimited(ranking_json()));
                if (p.ssl())
                    co_await p.close_notify();
                p.end_stream();
                co_await p.drain();
            });
            f.run([&]() -> net::awaitable<void> {
                client c(f.ioc.get_executor(), server.options_for_client());
                const request req = sample_request();
                check_ranking(co_await call(c, req), req);
                check_ranking(co_await call(c, req), req);
                BOOST_TEST(c.stats().connections_created == 2u);
                BOOST_TEST(c.stats().connections_reused == 0u);
                BOOST_TEST(server.log().accepted == 2u);
                server.stop();
            });
        }
    }
}

// 2b. Over TLS, a TCP FIN without close_notify may be an attacker's truncation: the body it ends
// is not known to be complete (RFC 8446 §6.1; RFC 9112 §9.8).
BOOST_AUTO_TEST_CASE(tls_stream_cut_without_close_notify_is_not_a_complete_response) {
    io_fixture f;
    scripted_server server(f.ioc, true, [&](peer& p, std::size_t) -> net::awaitable<void> {
        co_await p.read_request();
        co_await p.send(close_delimited(ranking_json()));
        p.end_stream();
        co_await p.drain();
    });
    f.run([&]() -> net::awaitable<void> {
        client c(f.ioc.get_executor(), server.options_for_client());
        auto out = co_await call(c, sample_request());
        BOOST_TEST(out.ec == errc::connection_failed, out.ec.message());
        BOOST_TEST(out.res.results.empty());
        BOOST_TEST(out.diag.client_message.find("read") != std::string::npos,
                   out.diag.client_message);
        BOOST_TEST(c.stats().attempts == 1u);
        BOOST_TEST(c.stats().open == 0u);
        server.stop();
    });
}

// 3. Every byte in its own TCP write / TLS record, 0.5 ms apart, chunked and Content-Length.
BOOST_AUTO_TEST_CASE(response_dripped_one_byte_at_a_time) {
    static constexpr std::size_t one_byte[] = {1};
    static constexpr std::size_t chunk_sizes[] = {64};
    for (bool tls : tls_and_plain) {
        for (bool use_chunks : {true, false}) {
            BOOST_TEST_CONTEXT(name(tls) << (use_chunks ? ", chunked" : ", Content-Length")) {
                io_fixture f;
                const std::string wire =
                    use_chunks ? chunked(ranking_json(), chunk_sizes) : with_length(ranking_json());
                scripted_server server(f.ioc, tls,
                                       [&](peer& p, std::size_t) -> net::awaitable<void> {
                                           co_await p.read_request();
                                           co_await p.send_pieces(wire, one_byte, 500us);
                                           co_await p.drain();
                                       });
                f.run([&]() -> net::awaitable<void> {
                    client c(f.ioc.get_executor(), server.options_for_client());
                    const request req = sample_request();
                    check_ranking(co_await call(c, req), req);
                    BOOST_TEST(c.stats().connections_created == 1u);
                    server.stop();
                });
            }
        }
    }
}

// 4. The server closes without reading while a 6 MB request is being written: the write fails
// with EPIPE, never SIGPIPE (which, at its default disposition, kills the process).
BOOST_AUTO_TEST_CASE(server_closing_during_a_large_request_fails_the_call_without_sigpipe) {
    struct sigaction current {};
    BOOST_TEST_REQUIRE(sigaction(SIGPIPE, nullptr, &current) == 0);
    BOOST_TEST_REQUIRE((current.sa_handler == SIG_DFL),
                       "SIGPIPE must be at its default disposition for this test to mean anything");

    request req;
    req.query = "large request";
    for (int i = 0; i < 300; ++i)
        req.documents.emplace_back(std::size_t(20 * 1024), static_cast<char>('a' + i % 26));
    for (bool tls : tls_and_plain) {
        BOOST_TEST_CONTEXT(name(tls)) {
            io_fixture f;
            scripted_server server(f.ioc, tls, [&](peer& p, std::size_t) -> net::awaitable<void> {
                co_await p.wait_readable();
                co_await p.pause(20ms); // the client is now blocked on full socket buffers
                // FIN, then a reset (input unread): the client's socket, half-closed by then,
                // fails its next send with EPIPE, which raises SIGPIPE unless suppressed. A
                // reset alone would fail it with ECONNRESET, which raises nothing.
                p.end_stream();
                p.close();
            });
            f.run([&]() -> net::awaitable<void> {
                auto opts = server.options_for_client();
                limits one_request; // 300 × 4,000 tokens fit in one request
                one_request.max_request_tokens = 10'000'000;
                opts.limits = one_request;
                client c(f.ioc.get_executor(), opts);
                auto out = co_await call(c, req);
                BOOST_TEST(out.ec == errc::connection_failed, out.ec.message());
                BOOST_TEST(out.diag.client_message.find("write failed: Broken pipe") == 0u,
                           out.diag.client_message);
                BOOST_TEST(c.stats().attempts == 1u);
                BOOST_TEST(server.log().accepted == 1u);
                server.stop();
            });
        }
    }
}

// 5. Bytes after a complete keep-alive response (a second response glued on, or arriving a
// moment later on the idle connection; after a small body read with the head, or a large one
// read past the parser): the call succeeds, the connection is never used again, and the next
// call gets its own answer on a new connection.
BOOST_AUTO_TEST_CASE(stray_bytes_after_a_response_retire_the_connection) {
    for (bool tls : tls_and_plain) {
        for (std::size_t padding : {std::size_t(0), std::size_t(40000)}) {
            for (bool late : {false, true}) {
                BOOST_TEST_CONTEXT(name(tls) << ", body padding " << padding
                                             << (late ? ", stray bytes late" : ", glued")) {
                    io_fixture f;
                    const std::string first = with_length(ranking_json(padding));
                    scripted_server server(
                        f.ioc, tls, [&](peer& p, std::size_t number) -> net::awaitable<void> {
                            co_await p.read_request();
                            if (number != 0) {
                                co_await p.send(with_length(ranking_json()));
                            } else if (late) {
                                co_await p.send(first);
                                co_await p.pause(20ms);
                                co_await p.send(stray_response);
                            } else {
                                co_await p.send(first + stray_response);
                            }
                            co_await p.drain();
                        });
                    f.run([&]() -> net::awaitable<void> {
                        client c(f.ioc.get_executor(), server.options_for_client());
                        const request req = sample_request();
                        check_ranking(co_await call(c, req), req);
                        // Just after the late bytes came in: the connection is looked at
                        // before every reuse, however briefly it was idle.
                        co_await sleep_for(40ms);
                        check_ranking(co_await call(c, req), req);
                        BOOST_TEST(c.stats().connections_created == 2u);
                        BOOST_TEST(c.stats().connections_reused == 0u);
                        BOOST_TEST(server.log().accepted == 2u);
                        server.stop();
                    });
                }
            }
        }
    }
}

// 6a. The head of a response is limited to 16 KiB: just under passes, over is bad_response.
BOOST_AUTO_TEST_CASE(header_block_over_16_kib_is_a_bad_response) {
    for (bool tls : tls_and_plain) {
        for (std::size_t padding : {std::size_t(15000), std::size_t(17000)}) {
            BOOST_TEST_CONTEXT(name(tls) << ", header padding " << padding) {
                io_fixture f;
                const std::string wire =
                    with_length(ranking_json(), "X-Padding: " + std::string(padding, 'h') + "\r\n");
                scripted_server server(f.ioc, tls,
                                       [&](peer& p, std::size_t) -> net::awaitable<void> {
                                           co_await p.read_request();
                                           co_await p.send(wire);
                                           co_await p.drain();
                                       });
                f.run([&]() -> net::awaitable<void> {
                    client c(f.ioc.get_executor(), server.options_for_client());
                    const request req = sample_request();
                    auto out = co_await call(c, req);
                    if (padding < 16 * 1024) {
                        check_ranking(out, req);
                    } else {
                        BOOST_TEST(out.ec == errc::bad_response, out.ec.message());
                        BOOST_TEST(out.diag.client_message.find("header") != std::string::npos,
                                   out.diag.client_message);
                        BOOST_TEST(c.stats().open == 0u);
                    }
                    server.stop();
                });
            }
        }
    }
}

// 6b. max_response_bytes holds for chunked bodies (no length announced) as for Content-Length.
BOOST_AUTO_TEST_CASE(body_over_max_response_bytes_is_a_bad_response) {
    static constexpr std::size_t chunk_sizes[] = {1000};
    constexpr std::size_t limit = 4096;
    for (bool tls : tls_and_plain) {
        for (bool use_chunks : {true, false}) {
            for (std::size_t padding : {std::size_t(3000), std::size_t(6000)}) {
                BOOST_TEST_CONTEXT(name(tls) << (use_chunks ? ", chunked" : ", Content-Length")
                                             << ", body padding " << padding) {
                    io_fixture f;
                    const std::string body = ranking_json(padding);
                    const std::string wire =
                        use_chunks ? chunked(body, chunk_sizes) : with_length(body);
                    scripted_server server(f.ioc, tls,
                                           [&](peer& p, std::size_t) -> net::awaitable<void> {
                                               co_await p.read_request();
                                               co_await p.send(wire);
                                               co_await p.drain();
                                           });
                    f.run([&]() -> net::awaitable<void> {
                        auto opts = server.options_for_client();
                        opts.max_response_bytes = limit;
                        client c(f.ioc.get_executor(), opts);
                        const request req = sample_request();
                        auto out = co_await call(c, req);
                        if (body.size() <= limit) {
                            check_ranking(out, req);
                        } else {
                            BOOST_TEST(out.ec == errc::bad_response, out.ec.message());
                            BOOST_TEST(out.diag.client_message.find("max_response_bytes") !=
                                           std::string::npos,
                                       out.diag.client_message);
                        }
                        server.stop();
                    });
                }
            }
        }
    }
}

// 7. A TLS 1.3 KeyUpdate (update_requested) alone before a response, and in the middle of a
// Content-Length body read past the parser: the client reads on, answers with its own
// KeyUpdate, and the connection stays usable.
BOOST_AUTO_TEST_CASE(tls13_key_update_before_and_inside_a_response) {
    io_fixture f;
    const std::string small = with_length(ranking_json());
    const std::string large = with_length(ranking_json(40000));
    scripted_server server(f.ioc, true, [&](peer& p, std::size_t) -> net::awaitable<void> {
        BOOST_TEST(SSL_version(p.ssl()) == TLS1_3_VERSION);
        co_await p.read_request();
        co_await p.key_update();
        co_await p.pause(10ms);
        co_await p.send(small);
        co_await p.read_request();
        const std::string_view wire = large;
        co_await p.send(wire.substr(0, 20000));
        co_await p.key_update();
        co_await p.pause(10ms);
        co_await p.send(wire.substr(20000));
        co_await p.drain();
    });
    f.run([&]() -> net::awaitable<void> {
        client c(f.ioc.get_executor(), server.options_for_client());
        const request req = sample_request();
        check_ranking(co_await call(c, req), req);
        check_ranking(co_await call(c, req), req);
        BOOST_TEST(c.stats().connections_created == 1u);
        BOOST_TEST(c.stats().connections_reused == 1u);
        // The server read the client's answer to the first update before the second request.
        BOOST_TEST(server.log().key_updates_from_client >= 1);
        server.stop();
    });
}

// 8. Interim 1xx responses come before the final one (RFC 9110 §15.2: a client must accept
// them even unasked): a 100 Continue glued to the 200, or on its own before it.
BOOST_AUTO_TEST_CASE(interim_100_continue_before_the_response) {
    for (bool tls : tls_and_plain) {
        for (bool glued : {true, false}) {
            BOOST_TEST_CONTEXT(name(tls) << (glued ? ", glued" : ", separate")) {
                io_fixture f;
                const std::string interim = "HTTP/1.1 100 Continue\r\n\r\n";
                const std::string final_response = with_length(ranking_json());
                scripted_server server(f.ioc, tls,
                                       [&](peer& p, std::size_t) -> net::awaitable<void> {
                                           for (;;) {
                                               co_await p.read_request();
                                               if (glued) {
                                                   co_await p.send(interim + final_response);
                                                   continue;
                                               }
                                               co_await p.send(interim);
                                               co_await p.pause(10ms);
                                               co_await p.send(final_response);
                                           }
                                       });
                f.run([&]() -> net::awaitable<void> {
                    client c(f.ioc.get_executor(), server.options_for_client());
                    const request req = sample_request();
                    auto out = co_await call(c, req);
                    BOOST_TEST(out.diag.http_status == 200u);
                    check_ranking(out, req);
                    check_ranking(co_await call(c, req), req);
                    BOOST_TEST(c.stats().connections_created == 1u);
                    server.stop();
                });
            }
        }
    }
}

// A server that floods what never completes (a chunk-size line, a trailer section, interim
// responses): the exchange's limits end the call at once with a bad_response naming the limit,
// before its 2 s deadline, with nothing but the limit's bytes buffered (the parse buffer's
// bound is exchange_test's the_parse_buffer_never_outgrows_a_head_and_a_read).
BOOST_AUTO_TEST_CASE(floods_that_never_complete_fail_fast) {
    struct row {
        const char* name;
        std::string start;
        std::string repeated;
        const char* message;
    };
    const std::string chunked_head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    const row rows[] = {
        {"endless chunk extension", chunked_head + "1;a=", std::string(4096, 'b'),
         "chunk-size line"},
        {"endless trailers", chunked_head + "2\r\n{}\r\n0\r\n",
         "X-Trailer: " + std::string(100, 't') + "\r\n", "trailers"},
        {"endless 100 Continue", "", "HTTP/1.1 100 Continue\r\n\r\n", "interim"},
    };
    for (bool tls : tls_and_plain) {
        for (const row& r : rows) {
            BOOST_TEST_CONTEXT(name(tls) << ", " << r.name) {
                io_fixture f;
                scripted_server server(f.ioc, tls,
                                       [&](peer& p, std::size_t) -> net::awaitable<void> {
                                           co_await p.read_request();
                                           co_await p.send(r.start);
                                           for (int i = 0; i < 4000; ++i) // 16 MB at most
                                               co_await p.send(r.repeated);
                                           co_await p.drain();
                                       });
                f.run([&]() -> net::awaitable<void> {
                    client c(f.ioc.get_executor(), server.options_for_client());
                    request req = sample_request();
                    req.timeout = std::chrono::seconds(2);
                    const auto start = std::chrono::steady_clock::now();
                    auto out = co_await call(c, req);
                    const auto took = std::chrono::steady_clock::now() - start;
                    BOOST_TEST(out.ec == errc::bad_response, out.ec.message());
                    BOOST_TEST(out.diag.client_message.find(r.message) != std::string::npos,
                               out.diag.client_message);
                    BOOST_TEST((took < std::chrono::seconds(2)));
                    BOOST_TEST(out.diag.attempts == 1u); // a malformed answer is not retried
                    server.stop();
                });
            }
        }
    }
}

// 5b. What TLS sends on an idle connection that is not an answer: session tickets (the client
// keeps them and reuses the connection) and a close_notify (the connection is discarded
// before use, and the call goes on a new one at once).
BOOST_AUTO_TEST_CASE(idle_tls_tickets_keep_the_connection_and_close_notify_ends_it) {
    for (bool closing : {false, true}) {
        BOOST_TEST_CONTEXT((closing ? "close_notify" : "session tickets")) {
            io_fixture f;
            const std::string response = with_length(ranking_json());
            scripted_server server(f.ioc, true, [&](peer& p, std::size_t) -> net::awaitable<void> {
                co_await p.read_request();
                co_await p.send(response);
                co_await p.pause(10ms);
                if (closing) {
                    co_await p.close_notify();
                    co_await p.drain();
                }
                co_await p.send_tickets(2);
                co_await p.read_request();
                co_await p.send(response);
                co_await p.drain();
            });
            f.run([&]() -> net::awaitable<void> {
                client c(f.ioc.get_executor(), server.options_for_client());
                const request req = sample_request();
                check_ranking(co_await call(c, req), req);
                co_await sleep_for(40ms);
                auto second = co_await call(c, req);
                check_ranking(second, req);
                BOOST_TEST(second.diag.attempts == 1u);
                BOOST_TEST(c.stats().connections_created == (closing ? 2u : 1u));
                BOOST_TEST(c.stats().connections_reused == (closing ? 0u : 1u));
                BOOST_TEST(c.stats().closed_by_peer == (closing ? 1u : 0u));
                server.stop();
            });
        }
    }
}

// A flood that parses and never ends (an endless chunked body of one-byte chunks, far below a
// max_response_bytes set very high), sent from its own thread as fast as loopback allows so
// that the client's socket never runs dry: each call ends at its own deadline, two concurrent
// calls of one client alike (neither holds the client's strand past the other's deadline).
BOOST_AUTO_TEST_CASE(endless_floods_end_at_each_calls_deadline) {
    std::string chunks;
    while (chunks.size() < 60000)
        chunks += "1\r\nx\r\n";
    constexpr std::chrono::milliseconds deadlines[] = {150ms, 400ms};
    for (bool tls : tls_and_plain) {
        BOOST_TEST_CONTEXT(name(tls)) {
            net::io_context server_ioc;
            std::atomic<std::size_t> sent{0};
            scripted_server server(
                server_ioc, tls, [&](peer& p, std::size_t) -> net::awaitable<void> {
                    co_await p.read_request();
                    co_await p.send(ok_head + "Transfer-Encoding: chunked\r\n\r\n");
                    for (;;) {
                        co_await p.send(chunks);
                        sent += chunks.size();
                    }
                });
            // Read before the server's thread starts: from then on, only that thread touches
            // the server.
            auto opts = server.options_for_client();
            opts.max_response_bytes = std::size_t(1) << 30;
            struct server_thread {
                net::io_context& ioc;
                std::thread thread{[this] { ioc.run(); }};
                ~server_thread() {
                    ioc.stop(); // thread-safe; the flood's coroutine dies with the io_context
                    thread.join();
                }
            } running{server_ioc};
            io_fixture f;
            f.run(
                [&]() -> net::awaitable<void> {
                    client c(f.ioc.get_executor(), opts);
                    struct outcome {
                        error_code ec;
                        std::chrono::steady_clock::duration took{};
                        bool done = false;
                    };
                    outcome outcomes[std::size(deadlines)];
                    const auto start = std::chrono::steady_clock::now();
                    for (std::size_t i = 0; i < std::size(deadlines); ++i) {
                        request req = sample_request();
                        req.timeout = deadlines[i];
                        c.async_rerank(req, [&, i](error_code ec, response) {
                            outcomes[i] = {ec, std::chrono::steady_clock::now() - start, true};
                        });
                    }
                    while (!outcomes[0].done || !outcomes[1].done)
                        co_await sleep_for(1ms);
                    for (std::size_t i = 0; i < std::size(deadlines); ++i) {
                        const auto over = std::chrono::duration_cast<std::chrono::microseconds>(
                            outcomes[i].took - deadlines[i]);
                        BOOST_TEST_MESSAGE(name(tls)
                                           << ": deadline " << deadlines[i].count() << " ms, ended "
                                           << over.count() / 1000.0 << " ms after it");
                        BOOST_TEST(outcomes[i].ec == errc::timeout, outcomes[i].ec.message());
                        BOOST_TEST((outcomes[i].took < deadlines[i] + 500ms));
                    }
                    BOOST_TEST(sent.load() > 1'000'000u); // the flood was on
                },
                20s);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
