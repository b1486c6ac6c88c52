// The client against the emulator: every class of error answer, surfaced with diagnostics.
#include "integration/call_helpers.hpp"
#include "support/emulator_fixture.hpp"

#include <rerank/error_with_diagnostics.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>

using namespace rerank;
using namespace rerank::test;
namespace net = boost::asio;

namespace {

client_options no_retries(const emulator::server& server, dialect d = dialect::dashscope) {
    auto opts = client_options_for(server, d);
    opts.retry.max_attempts = 1;
    return opts;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(client_errors, emulator_fixture)

BOOST_AUTO_TEST_CASE(wrong_key_is_authentication_failed_in_both_dialects) {
    run([&]() -> net::awaitable<void> {
        for (auto d : {dialect::dashscope, dialect::dashscope_native}) {
            auto opts = no_retries(server, d);
            opts.api_key = "sk-wrong-secret-key";
            client c(ioc.get_executor(), opts);
            auto out = co_await call(c, sample_request());
            BOOST_TEST(out.ec == errc::authentication_failed);
            BOOST_TEST(out.diag.http_status == 401u);
            BOOST_TEST((out.diag.provider_code == "invalid_api_key" ||
                        out.diag.provider_code == "InvalidApiKey"));
            BOOST_TEST(!out.diag.provider_message.empty());
            BOOST_TEST(!out.diag.request_id.empty());
            BOOST_TEST(out.diag.attempts == 1u);
            const std::string text = out.diag.to_string() + out.ec.message();
            BOOST_TEST(text.find("sk-wrong-secret-key") == std::string::npos);
        }
    });
}

BOOST_AUTO_TEST_CASE(server_side_400_is_bad_request) {
    emulator_fixture f;
    f.run([&]() -> net::awaitable<void> {
        client c(f.ioc.get_executor(), no_retries(f.server));
        f.server.push_fault(emulator::fault::status(
            400, R"({"request_id":"r-400","code":"InvalidParameter","message":"top_n is bad"})"));
        auto out = co_await call(c, sample_request());
        BOOST_TEST(out.ec == errc::bad_request);
        BOOST_TEST(out.diag.http_status == 400u);
        BOOST_TEST(out.diag.provider_code == "InvalidParameter");
        BOOST_TEST(!out.diag.request_id.empty());
    });
}

BOOST_AUTO_TEST_CASE(unknown_model_is_not_found) {
    run([&]() -> net::awaitable<void> {
        client c(ioc.get_executor(), no_retries(server));
        request req = sample_request();
        req.model = "no-such-model";
        auto out = co_await call(c, req);
        BOOST_TEST(out.ec == errc::not_found);
        BOOST_TEST(out.diag.http_status == 404u);
        BOOST_TEST(!out.diag.provider_code.empty());
    });
}

BOOST_AUTO_TEST_CASE(server_error_is_surfaced_with_diagnostics) {
    run([&]() -> net::awaitable<void> {
        client c(ioc.get_executor(), no_retries(server));
        server.push_fault(emulator::fault::status(
            503,
            R"({"error":{"message":"Model is overloaded","type":"server_error","param":null,"code":"ModelUnavailable"},"request_id":"req-503"})"));
        auto out = co_await call(c, sample_request());
        BOOST_TEST(out.ec == errc::server_error);
        BOOST_TEST(out.diag.http_status == 503u);
        BOOST_TEST(out.diag.provider_code == "ModelUnavailable");
        BOOST_TEST(out.diag.provider_message == "Model is overloaded");
        BOOST_TEST(out.diag.request_id == "req-503");
    });
}

BOOST_AUTO_TEST_CASE(non_json_gateway_body_keeps_a_snippet) {
    run([&]() -> net::awaitable<void> {
        client c(ioc.get_executor(), no_retries(server));
        server.push_fault(
            emulator::fault::status(502, "<html><body>Bad Gateway</body></html>", {}, "text/html"));
        auto out = co_await call(c, sample_request());
        BOOST_TEST(out.ec == errc::server_error);
        BOOST_TEST(out.diag.http_status == 502u);
        BOOST_TEST(out.diag.body_snippet.find("Bad Gateway") != std::string::npos);
        BOOST_TEST(out.diag.provider_code.empty());
    });
}

BOOST_AUTO_TEST_CASE(redirects_are_not_followed) {
    run([&]() -> net::awaitable<void> {
        client c(ioc.get_executor(), no_retries(server));
        server.push_fault(emulator::fault::status(
            302, "", {{"Location", "https://elsewhere.example/v1/reranks"}}));
        auto out = co_await call(c, sample_request());
        BOOST_TEST(out.ec == errc::redirect_not_followed);
        BOOST_TEST(out.diag.location == "https://elsewhere.example/v1/reranks");
        BOOST_TEST(server.stats().requests == 1u);
    });
}

BOOST_AUTO_TEST_CASE(malformed_and_inconsistent_answers_are_bad_response) {
    run([&]() -> net::awaitable<void> {
        client c(ioc.get_executor(), no_retries(server));
        server.push_fault(emulator::fault::malformed_json());
        auto out = co_await call(c, sample_request());
        BOOST_TEST(out.ec == errc::bad_response);
        BOOST_TEST(!out.diag.client_message.empty());

        for (auto how : {emulator::results_inconsistency::index_out_of_range,
                         emulator::results_inconsistency::duplicate_index,
                         emulator::results_inconsistency::missing_score}) {
            server.push_fault(emulator::fault::wrong_results(how));
            out = co_await call(c, sample_request());
            BOOST_TEST(out.ec == errc::bad_response);
            BOOST_TEST(!out.diag.client_message.empty());
        }
        // The client stays healthy.
        out = co_await call(c, sample_request());
        BOOST_TEST(!out.ec);
    });
}

BOOST_AUTO_TEST_CASE(rate_limit_and_billing_are_told_apart) {
    run([&]() -> net::awaitable<void> {
        // One attempt allowed: a throttling answer spends none, so the call is sent again.
        client c(ioc.get_executor(), no_retries(server));
        server.push_fault(emulator::fault::status(
            429,
            R"({"request_id":"r1","code":"Throttling.RateQuota","message":"Requests rate limit exceeded"})"));
        auto out = co_await call(c, sample_request());
        BOOST_TEST(!out.ec, out.diag.to_string());
        BOOST_TEST(out.diag.throttled == 1u);
        BOOST_TEST(out.diag.attempts == 2u); // requests sent, the throttled one included
        // Billing never clears by waiting: it fails at once.
        for (
            const char* body :
            {R"({"request_id":"r2","code":"PrepaidBillOverdue","message":"The prepaid bill is overdue."})",
             R"({"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"},"request_id":"r2"})"}) {
            server.push_fault(emulator::fault::status(429, body));
            out = co_await call(c, sample_request());
            BOOST_TEST(out.ec == errc::quota_exceeded, body);
            BOOST_TEST(out.diag.request_id == "r2");
            BOOST_TEST(out.diag.throttled == 0u);
        }
    });
}

BOOST_AUTO_TEST_CASE(throttling_that_outlasts_the_deadline_fails_at_once) {
    run([&]() -> net::awaitable<void> {
        client c(ioc.get_executor(), client_options_for(server));
        server.push_fault(emulator::fault::status(
            429,
            R"({"request_id":"r3","code":"Throttling.RateQuota","message":"Requests rate limit exceeded"})",
            {{"Retry-After", "30"}}));
        auto req = sample_request();
        req.timeout = std::chrono::seconds(5);
        const auto start = std::chrono::steady_clock::now();
        auto out = co_await call(c, req);
        const auto took = std::chrono::steady_clock::now() - start;
        BOOST_TEST(out.ec == errc::rate_limited);
        BOOST_TEST(took < std::chrono::seconds(4)); // not held to the deadline: it cannot win
        BOOST_TEST(out.diag.request_id == "r3");
        BOOST_TEST(out.diag.throttled == 1u);
        BOOST_TEST(out.diag.client_message.find("30000 ms") != std::string::npos,
                   out.diag.client_message);
    });
}

BOOST_AUTO_TEST_CASE(oversized_response_is_refused) {
    run([&]() -> net::awaitable<void> {
        auto opts = no_retries(server);
        opts.max_response_bytes = 100;
        client c(ioc.get_executor(), opts);
        auto out = co_await call(c, sample_request());
        BOOST_TEST(out.ec == errc::bad_response);
        BOOST_TEST(out.diag.client_message.find("max_response_bytes") != std::string::npos);
    });
}

BOOST_AUTO_TEST_CASE(bad_base_urls_are_invalid_requests) {
    run([&]() -> net::awaitable<void> {
        for (const char* url : {"ftp://example.com/v1", "not a url",
                                "https://user:pw@example.com/v1", "https://example.com/v1?x=1"}) {
            client_options opts = client_options_for(server);
            opts.base_url = url;
            client c(ioc.get_executor(), opts);
            auto out = co_await call(c, sample_request());
            BOOST_TEST(out.ec == errc::invalid_request, url);
            BOOST_TEST(!out.diag.client_message.empty());
        }
    });
}

// A refused call does no I/O: it must still complete from a fresh turn, never inside the
// async_rerank that started it (a loop of such calls on the strand would recurse).
BOOST_AUTO_TEST_CASE(a_refused_call_never_completes_inside_async_rerank) {
    run([&]() -> net::awaitable<void> {
        client c(ioc.get_executor(), client_options_for(server));
        request bad = sample_request();
        bad.query.clear();
        bool initiating = true;
        bool completed_inside = false;
        net::steady_timer done(ioc, net::steady_timer::time_point::max());
        c.async_rerank(bad, [&](error_code ec, response) {
            BOOST_TEST(ec == errc::invalid_request);
            completed_inside = initiating;
            done.cancel();
        });
        initiating = false;
        if (!completed_inside)
            co_await done.async_wait(net::as_tuple(net::use_awaitable));
        BOOST_TEST(!completed_inside);
        for (int i = 0; i < 5000; ++i)
            BOOST_TEST_REQUIRE((co_await call(c, bad)).ec == errc::invalid_request);
        BOOST_TEST(server.stats().requests == 0u);
    });
}

BOOST_AUTO_TEST_CASE(self_hosted_dialects_need_a_base_url_and_nim_a_model) {
    run([&]() -> net::awaitable<void> {
        for (dialect d : {dialect::tei, dialect::nim}) {
            client_options opts;
            opts.dialect = d;
            client c(ioc.get_executor(), opts);
            auto out = co_await call(c, sample_request());
            BOOST_TEST(out.ec == errc::invalid_request);
            BOOST_TEST(out.diag.client_message.find("base_url is empty") != std::string::npos,
                       out.diag.client_message);
        }
        client_options opts;
        opts.dialect = dialect::nim;
        opts.base_url = "http://127.0.0.1:1/v1";
        client c(ioc.get_executor(), opts);
        auto out = co_await call(c, sample_request());
        BOOST_TEST(out.ec == errc::invalid_request);
        BOOST_TEST(out.diag.client_message.find("no default model") != std::string::npos,
                   out.diag.client_message);
        BOOST_TEST(server.stats().requests == 0u);
    });
}

BOOST_AUTO_TEST_CASE(base_url_secrets_are_never_echoed) {
    run([&]() -> net::awaitable<void> {
        struct row {
            const char* url;
            const char* shown; // how the message shows the URL
        };
        for (const row& r : {
                 row{"https://user:s3cret@example.com/v1", "https://***@example.com/v1"},
                 row{"https://example.com/v1?key=s3cret", "https://example.com/v1?***"},
                 row{"https://example.com/v1#s3cret", "https://example.com/v1#***"},
                 row{"ftp://user:s3cret@example.com/v1?key=s3cret", "ftp://***@example.com/v1?***"},
                 row{"https://user:s3/cret@exa mple.com?key=s3cret",
                     "https://***@exa mple.com?***"},
             }) {
            client_options opts = client_options_for(server);
            opts.base_url = r.url;
            client c(ioc.get_executor(), opts);
            auto out = co_await call(c, sample_request());
            BOOST_TEST(out.ec == errc::invalid_request, r.url);
            const std::string what = error_with_diagnostics(out.ec, out.diag).what();
            BOOST_TEST(what.find("s3") == std::string::npos, what);
            BOOST_TEST(what.find(r.shown) != std::string::npos, what);
        }
        BOOST_TEST(server.stats().requests == 0u);
    });
}

BOOST_AUTO_TEST_CASE(control_characters_from_the_server_are_escaped_when_printed) {
    run([&]() -> net::awaitable<void> {
        client c(ioc.get_executor(), no_retries(server));
        server.push_fault(emulator::fault::status(
            503,
            R"({"request_id":"r\u001b[2J\r","code":"Busy\u0007","message":"a\u001b]0;x\u0007\nb"})"));
        auto out = co_await call(c, sample_request());
        BOOST_TEST(out.ec == errc::server_error);
        BOOST_TEST(out.diag.request_id == "r\x1b[2J\r"); // the field keeps what was sent
        const std::string what = error_with_diagnostics(out.ec, out.diag).what();
        BOOST_TEST(what.find(R"(code Busy\x07, request id r\x1b[2J\x0d: a\x1b]0;x\x07\x0ab)") !=
                       std::string::npos,
                   what);
        BOOST_TEST(std::none_of(what.begin(), what.end(),
                                [](char ch) { return static_cast<unsigned char>(ch) < 0x20; }));
    });
}

// Plain HTTP to a host other than this machine sends the key in clear text: refused unless
// allowed. 0.0.0.0 is not loopback, yet on Linux a connection to it reaches this machine's own
// listeners, so the allowed cases stay on loopback.
BOOST_AUTO_TEST_CASE(api_key_over_plain_http_off_loopback_needs_opting_in) {
    emulator::options plain;
    plain.api_key = "emulator-key";
    emulator_fixture f(plain);
    const std::string port = std::to_string(f.server.port());
    f.run([&]() -> net::awaitable<void> {
        auto with_url = [&](std::string url) {
            client_options opts = client_options_for(f.server);
            opts.base_url = std::move(url);
            opts.retry.max_attempts = 1;
            return opts;
        };
        // Refused before anything is sent, naming the way out.
        const std::vector<std::string> refused = {"http://0.0.0.0:" + port + "/compatible-api/v1",
                                                  "http://192.0.2.10/compatible-api/v1",
                                                  "http://rerank.example/compatible-api/v1"};
        for (const std::string& url : refused) {
            client c(f.ioc.get_executor(), with_url(url));
            auto out = co_await call(c, sample_request());
            BOOST_TEST(out.ec == errc::invalid_request, url);
            BOOST_TEST(out.diag.client_message.find("allow_insecure_http") != std::string::npos,
                       out.diag.client_message);
            BOOST_TEST(out.diag.client_message.find("emulator-key") == std::string::npos);
        }
        BOOST_TEST(f.server.stats().requests == 0u);

        // Opted in.
        auto allowed = with_url("http://0.0.0.0:" + port + "/compatible-api/v1");
        allowed.allow_insecure_http = true;
        client opted(f.ioc.get_executor(), allowed);
        auto out = co_await call(opted, sample_request());
        BOOST_TEST(!out.ec, out.diag.to_string());

        // Loopback, by name and by address: always fine.
        for (const std::string& url : {"http://127.0.0.1:" + port + "/compatible-api/v1",
                                       "http://LocalHost:" + port + "/compatible-api/v1"}) {
            client c(f.ioc.get_executor(), with_url(url));
            out = co_await call(c, sample_request());
            BOOST_TEST(!out.ec, url << ": " << out.diag.to_string());
        }
    });

    // Without a key, plain HTTP anywhere is fine (nothing secret to leak).
    emulator::options no_auth;
    no_auth.api_key.clear();
    emulator_fixture open(no_auth);
    open.run([&]() -> net::awaitable<void> {
        client_options opts = client_options_for(open.server);
        opts.base_url =
            "http://0.0.0.0:" + std::to_string(open.server.port()) + "/compatible-api/v1";
        opts.api_key = "";
        client c(open.ioc.get_executor(), opts);
        auto out = co_await call(c, sample_request());
        BOOST_TEST(!out.ec, out.diag.to_string());
        BOOST_TEST(open.server.stats().requests == 1u);
    });
}

BOOST_AUTO_TEST_SUITE_END()
