// Certificate verification: the client trusts only what it should.
#include "integration/call_helpers.hpp"
#include "support/emulator_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace rerank;
using namespace rerank::test;
namespace net = boost::asio;

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
