// gzip responses end to end: against the emulator (which compresses when asked), and against a
// scripted server sending what no honest server would: bombs, truncated and corrupt gzip,
// codings the client never asked for.
#include "integration/call_helpers.hpp"
#include "integration/scripted_server.hpp"
#include "support/emulator_fixture.hpp"
#include "support/gzip.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace rerank;
using namespace rerank::test;
using namespace rerank::test::scripted;
namespace net = boost::asio;

namespace {

/// A request whose answer echoes 40 KB of documents: worth compressing.
request large_request() {
    request req;
    req.query = "rerank model relevance";
    for (int i = 0; i < 80; ++i)
        req.documents.push_back("document " + std::to_string(i) + ": " +
                                std::string(i % 7 == 0 ? "a rerank model " : "another text ") +
                                std::string(480, static_cast<char>('a' + i % 26)));
    return req;
}

std::optional<std::string> accept_encoding_sent(const emulator::server& server) {
    const auto last = server.stats().last_request;
    BOOST_TEST_REQUIRE(last.has_value());
    const auto value = emulator::find_header(last->headers, "Accept-Encoding");
    return value ? std::optional<std::string>(*value) : std::nullopt;
}

/// What the scripted server answers to any request: a compatible-dialect ranking of
/// sample_request(), as `Content-Encoding: <coding>` with `body` (already encoded).
std::string encoded_answer(std::string_view coding, std::string_view body) {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: " +
           std::string(coding) + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
           std::string(body);
}

const std::string ranking = R"({"id":"gzip-test","results":[{"index":1,"relevance_score":0.9},)"
                            R"({"index":0,"relevance_score":0.1}],"usage":{"total_tokens":12}})";

/// One call of sample_request() to a server answering `answer`, with `max_response_bytes`.
call_outcome call_answered_with(const std::string& answer, std::size_t max_response_bytes) {
    io_fixture f;
    call_outcome out;
    scripted_server server(f.ioc, false, [&](peer& p, std::size_t) -> net::awaitable<void> {
        co_await p.read_request();
        co_await p.send(answer);
        co_await p.drain();
    });
    f.run([&]() -> net::awaitable<void> {
        client_options opts = server.options_for_client();
        opts.accept_gzip = true;
        opts.max_response_bytes = max_response_bytes;
        client c(f.ioc.get_executor(), opts);
        request req = sample_request();
        req.documents.resize(2);
        out = co_await call(c, req);
        server.stop();
    });
    return out;
}

void check_refused(const call_outcome& out, std::string_view message) {
    BOOST_TEST((out.ec == errc::bad_response), out.ec.message());
    BOOST_TEST(out.diag.client_message.find(message) != std::string::npos, out.diag.client_message);
}

} // namespace

BOOST_AUTO_TEST_SUITE(client_gzip)

// The same ranking whether the emulator compresses it or not; the header is sent only when
// asked for.
BOOST_AUTO_TEST_CASE(round_trip_against_the_emulator) {
    emulator_fixture f;
    f.run([&]() -> net::awaitable<void> {
        const request req = large_request();
        std::vector<response> answers;
        for (const bool gzip : {false, true}) {
            client_options opts = client_options_for(f.server);
            opts.accept_gzip = gzip;
            client c(f.ioc.get_executor(), opts);
            for (int i = 0; i < 3; ++i) { // the connection's inflate state is reused
                call_outcome out = co_await call(c, req);
                BOOST_TEST_REQUIRE(!out.ec, out.ec.message() << ": " << out.diag.to_string());
                answers.push_back(std::move(out.res));
            }
            BOOST_TEST(c.stats().connections_created == 1u);
            const auto sent = accept_encoding_sent(f.server);
            BOOST_TEST(sent.has_value() == gzip);
            if (gzip)
                BOOST_TEST(*sent == "gzip");
        }
        for (const response& r : answers) {
            BOOST_TEST_REQUIRE(r.results.size() == answers[0].results.size());
            for (std::size_t i = 0; i < r.results.size(); ++i) {
                BOOST_TEST(r.results[i].index == answers[0].results[i].index);
                BOOST_TEST(r.results[i].relevance_score == answers[0].results[i].relevance_score);
            }
        }
    });
}

// The emulator's option turns compression off: the client then gets plain JSON, as before.
BOOST_AUTO_TEST_CASE(emulator_without_compression_answers_plain_json) {
    emulator::options eopts = tls_emulator_options();
    eopts.compress_responses = false;
    emulator_fixture f(eopts);
    f.run([&]() -> net::awaitable<void> {
        client_options opts = client_options_for(f.server);
        opts.accept_gzip = true;
        client c(f.ioc.get_executor(), opts);
        const call_outcome out = co_await call(c, large_request());
        BOOST_TEST(!out.ec, out.ec.message() << ": " << out.diag.to_string());
    });
}

BOOST_AUTO_TEST_CASE(scripted_gzip_answer_is_inflated) {
    const call_outcome out = call_answered_with(encoded_answer("gzip", gzip(ranking)), 4096);
    BOOST_TEST_REQUIRE(!out.ec, out.ec.message() << ": " << out.diag.to_string());
    BOOST_TEST(out.res.id == "gzip-test");
    BOOST_TEST(out.res.results.size() == 2u);
}

// 64 MiB of JSON-looking bytes in about 64 KB: the limit (1 MiB) holds whether the gzip
// trailer says how large it is or lies about it.
BOOST_AUTO_TEST_CASE(gzip_bomb_is_a_bad_response_naming_the_limit) {
    const std::string bomb = gzip(std::string(64 << 20, ' '));
    BOOST_TEST_REQUIRE(bomb.size() < (1u << 20));
    check_refused(call_answered_with(encoded_answer("gzip", bomb), 1 << 20),
                  "max_response_bytes (1048576 bytes)");
    check_refused(call_answered_with(encoded_answer("gzip", with_declared_size(bomb, 2)), 1 << 20),
                  "inflates to more than max_response_bytes (1048576 bytes)");
}

BOOST_AUTO_TEST_CASE(truncated_and_corrupt_gzip_are_bad_responses) {
    const std::string good = gzip(ranking);
    check_refused(call_answered_with(encoded_answer("gzip", good.substr(0, good.size() - 3)), 4096),
                  "malformed gzip response body");
    check_refused(call_answered_with(encoded_answer("gzip", with_bad_crc(good)), 4096),
                  "malformed gzip response body");
    check_refused(call_answered_with(encoded_answer("gzip", ranking), 4096),
                  "malformed gzip response body");
}

BOOST_AUTO_TEST_CASE(codings_never_asked_for_are_bad_responses) {
    for (const char* coding : {"br", "deflate", "zstd", "gzip, br"})
        check_refused(call_answered_with(encoded_answer(coding, gzip(ranking)), 4096),
                      "which the client does not decode");
}

BOOST_AUTO_TEST_SUITE_END()
