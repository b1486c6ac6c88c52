// Certificate verification: the client trusts only what it should.
#include "integration/call_helpers.hpp"
#include "integration/scripted_server.hpp"
#include "support/emulator_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <openssl/ssl.h>

using namespace rerank;
using namespace rerank::test;
using namespace rerank::test::scripted;
namespace net = boost::asio;
using namespace std::chrono_literals;

namespace {

const std::string ranking = R"({"id":"tls-test","object":"list","model":"qwen3-rerank",)"
                            R"("results":[{"index":0,"relevance_score":0.5},)"
                            R"({"index":1,"relevance_score":0.25}],"usage":{"total_tokens":9}})";
const std::string small_response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                   "Content-Length: " +
                                   std::to_string(ranking.size()) + "\r\n\r\n" + ranking;

request two_documents() {
    request req;
    req.query = "q";
    req.documents = {"a", "b"};
    return req;
}

} // namespace

BOOST_AUTO_TEST_SUITE(client_tls)

// A certificate from no trusted CA, and one from the test CA for another host name.
BOOST_AUTO_TEST_CASE(untrusted_or_mismatched_certificates_fail_verification) {
    for (const char* cert : {"untrusted", "wrong-host"}) {
        emulator_fixture f(tls_emulator_options(cert));
        f.run([&]() -> net::awaitable<void> {
            client c(f.ioc.get_executor(), client_options_for(f.server));
            auto out = co_await call(c, sample_request());
            BOOST_TEST(out.ec == errc::tls_failure, cert);
            BOOST_TEST(out.diag.client_message.find("certificate verify failed") !=
                           std::string::npos,
                       cert << ": " << out.diag.client_message);
            BOOST_TEST(f.server.stats().requests == 0u);
        });
    }
}

// A certificate from the test CA for localhost, with the name only in its subject's CN and no
// subjectAltName: the name counts only in subjectAltName (RFC 9525 §6.1), so it is refused.
BOOST_AUTO_TEST_CASE(a_host_name_only_in_the_common_name_is_refused) {
    io_fixture f;
    scripted_server server(
        f.ioc, true,
        [&](peer& p, std::size_t) -> net::awaitable<void> {
            co_await p.read_request();
            co_await p.send(small_response);
            co_await p.drain();
        },
        [](SSL_CTX* ctx) {
            BOOST_TEST_REQUIRE(
                SSL_CTX_use_certificate_chain_file(ctx, cert_path("cn-only.pem").c_str()) == 1);
            BOOST_TEST_REQUIRE(SSL_CTX_use_PrivateKey_file(ctx, cert_path("cn-only.key").c_str(),
                                                           SSL_FILETYPE_PEM) == 1);
        });
    f.run([&]() -> net::awaitable<void> {
        auto opts = server.options_for_client();
        opts.base_url = "https://localhost:" + std::to_string(server.port()) + "/compatible-api/v1";
        client c(f.ioc.get_executor(), opts);
        auto out = co_await call(c, two_documents());
        BOOST_TEST(out.ec == errc::tls_failure, out.ec.message());
        BOOST_TEST(out.diag.client_message.find("certificate verify failed") != std::string::npos,
                   out.diag.client_message);
        BOOST_TEST(server.log().request_lines.empty());
        server.stop();
    });
}

// A TLS 1.2 server asking to renegotiate in the middle of an exchange: the client refuses (a
// no_renegotiation alert; this server then fails the connection), and no answer is taken.
BOOST_AUTO_TEST_CASE(tls12_renegotiation_is_refused) {
    io_fixture f;
    scripted_server server(
        f.ioc, true,
        [&](peer& p, std::size_t) -> net::awaitable<void> {
            co_await p.read_request();
            co_await p.renegotiate();
            co_await p.send(small_response);
            co_await p.drain();
        },
        [](SSL_CTX* ctx) {
            SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
            SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
        });
    f.run([&]() -> net::awaitable<void> {
        client c(f.ioc.get_executor(), server.options_for_client());
        auto out = co_await call(c, two_documents());
        BOOST_TEST(out.ec == errc::tls_failure, out.ec.message() << ": " << out.diag.to_string());
        BOOST_TEST(out.res.results.empty());
        BOOST_TEST(server.log().renegotiations_refused == 1);
        BOOST_TEST(server.log().client_hellos == 1); // the first handshake's only
        server.stop();
    });
}

// A server that sends session tickets only after full handshakes (as lighttpd does) and closes
// after each response: every ticket it sends is kept and used once, so each full handshake
// pays for two resumed ones (keeping the latest ticket alone resumed every other connection).
BOOST_AUTO_TEST_CASE(every_ticket_is_kept_when_only_full_handshakes_send_them) {
    io_fixture f;
    const std::string closing =
        small_response.substr(0, 17) + "Connection: close\r\n" + small_response.substr(17);
    scripted_server server(
        f.ioc, true,
        [&](peer& p, std::size_t) -> net::awaitable<void> {
            if (SSL_session_reused(p.ssl()) == 0)
                co_await p.send_tickets(2);
            co_await p.read_request();
            co_await p.send(closing);
            co_await p.drain();
        },
        [](SSL_CTX* ctx) { SSL_CTX_set_num_tickets(ctx, 0); });
    f.run([&]() -> net::awaitable<void> {
        client c(f.ioc.get_executor(), server.options_for_client());
        for (int i = 0; i < 12; ++i) {
            auto out = co_await call(c, two_documents());
            BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());
        }
        const pool_stats s = c.stats();
        BOOST_TEST_MESSAGE("tickets after full handshakes only, 12 connections: full "
                           << s.handshakes_full << ", resumed " << s.handshakes_resumed);
        BOOST_TEST(s.connections_created == 12u);
        BOOST_TEST(s.handshakes_full == 4u);
        BOOST_TEST(s.handshakes_resumed == 8u);
        BOOST_TEST(server.log().resumed_handshakes == 8);
        server.stop();
    });
}

BOOST_AUTO_TEST_CASE(verification_can_be_switched_off_explicitly) {
    emulator_fixture f(tls_emulator_options("untrusted"));
    f.run([&]() -> net::awaitable<void> {
        auto opts = client_options_for(f.server);
        opts.tls.insecure_skip_verification = true;
        client c(f.ioc.get_executor(), opts);
        auto out = co_await call(c, sample_request());
        BOOST_TEST(!out.ec, out.diag.to_string());
    });
}

BOOST_AUTO_TEST_CASE(missing_ca_file_is_an_invalid_request) {
    emulator_fixture f;
    f.run([&]() -> net::awaitable<void> {
        auto opts = client_options_for(f.server);
        opts.tls.ca_file = "/nonexistent/ca.pem";
        client c(f.ioc.get_executor(), opts);
        auto out = co_await call(c, sample_request());
        BOOST_TEST(out.ec == errc::invalid_request);
        BOOST_TEST(out.diag.client_message.find("/nonexistent/ca.pem") != std::string::npos);
    });
}

BOOST_AUTO_TEST_CASE(connection_refused_is_connection_failed) {
    io_fixture f;
    unsigned short port = 0;
    {
        emulator::server s(emulator::options{});
        s.start();
        port = s.port();
    } // stopped: nothing listens there now
    f.run([&]() -> net::awaitable<void> {
        client_options opts;
        opts.base_url = "http://127.0.0.1:" + std::to_string(port) + "/compatible-api/v1";
        opts.api_key = "k";
        opts.retry.max_attempts = 1;
        client c(f.ioc.get_executor(), opts);
        auto out = co_await call(c, sample_request());
        BOOST_TEST(out.ec == errc::connection_failed);
        BOOST_TEST(!out.diag.client_message.empty());
    });
}

BOOST_AUTO_TEST_SUITE_END()
