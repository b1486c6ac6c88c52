// The client against the emulator over TLS: successful calls in both dialects.
#include "integration/call_helpers.hpp"
#include "support/emulator_fixture.hpp"

#include <rerank/client.hpp>
#include <rerank/error_with_diagnostics.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace rerank;
using namespace rerank::test;
namespace net = boost::asio;

namespace {

void check_ordered_and_filled(const request& req, const response& res) {
    for (std::size_t i = 0; i < res.results.size(); ++i) {
        const auto& r = res.results[i];
        BOOST_TEST_REQUIRE(r.index < req.documents.size());
        BOOST_TEST(r.document == req.documents[r.index]);
        if (i > 0) {
            const auto& prev = res.results[i - 1];
            BOOST_TEST((prev.relevance_score > r.relevance_score ||
                        (prev.relevance_score == r.relevance_score && prev.index < r.index)));
        }
    }
}

boost::json::object last_body(const emulator::server& server) {
    auto stats = server.stats();
    BOOST_TEST_REQUIRE(stats.last_request.has_value());
    return boost::json::parse(stats.last_request->body).as_object();
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(client_success, emulator_fixture)

BOOST_AUTO_TEST_CASE(compatible_dialect_ranks_all_documents) {
    run([&]() -> net::awaitable<void> {
        client c(ioc.get_executor(), client_options_for(server));
        request req = sample_request();
        auto out = co_await call(c, req);
        BOOST_TEST_REQUIRE(!out.ec, out.ec.message() << " " << out.diag.to_string());
        BOOST_TEST(out.res.results.size() == req.documents.size());
        BOOST_TEST(out.res.model == "qwen3-rerank");
        BOOST_TEST(!out.res.id.empty());
        BOOST_TEST(out.res.request_ids.size() == 1u);
        BOOST_TEST(out.res.requests == 1u);
        BOOST_TEST(out.res.usage.total_tokens > 0u);
        check_ordered_and_filled(req, out.res);
        // The document that is about rerank models ranks above the fox.
        BOOST_TEST(out.res.results.front().index != 3u);
        BOOST_TEST(out.res.results.back().index == 3u);

        auto body = last_body(server);
        BOOST_TEST(body.at("model").as_string() == "qwen3-rerank");
        BOOST_TEST(body.at("query").as_string() == req.query);
        BOOST_TEST(body.at("documents").as_array().size() == req.documents.size());
        BOOST_TEST(!body.contains("top_n"));
        BOOST_TEST(!body.contains("instruct"));
        BOOST_TEST(!body.contains("return_documents"));
        const auto stats = server.stats();
        auto auth = emulator::find_header(stats.last_request->headers, "Authorization");
        BOOST_TEST_REQUIRE(auth.has_value());
        BOOST_TEST(*auth == "Bearer emulator-key");
        BOOST_TEST(stats.last_request->target == "/compatible-api/v1/reranks");
    });
}

BOOST_AUTO_TEST_CASE(native_dialect_sends_parameters) {
    run([&]() -> net::awaitable<void> {
        auto opts = client_options_for(server, dialect::dashscope_native);
        opts.workspace = "ws-test";
        client c(ioc.get_executor(), opts);
        request req = sample_request();
        req.top_n = 2;
        req.instruct = "Given a question, retrieve passages that answer it.";
        req.return_documents = true;
        auto out = co_await call(c, req);
        BOOST_TEST_REQUIRE(!out.ec, out.ec.message() << " " << out.diag.to_string());
        BOOST_TEST(out.res.results.size() == 2u);
        BOOST_TEST(!out.res.id.empty());
        check_ordered_and_filled(req, out.res);

        const auto stats = server.stats();
        const auto& recorded = *stats.last_request;
        BOOST_TEST(recorded.target == "/api/v1/services/rerank/text-rerank/text-rerank");
        auto ws = emulator::find_header(recorded.headers, "X-DashScope-WorkSpace");
        BOOST_TEST_REQUIRE(ws.has_value());
        BOOST_TEST(*ws == "ws-test");
        auto body = last_body(server);
        BOOST_TEST(body.at("input").at("query").as_string() == req.query);
        BOOST_TEST(body.at("parameters").at("top_n").as_int64() == 2);
        BOOST_TEST(body.at("parameters").at("return_documents").as_bool() == true);
        BOOST_TEST(body.at("parameters").at("instruct").as_string() == *req.instruct);
    });
}

BOOST_AUTO_TEST_CASE(top_n_and_instruct_in_compatible_dialect) {
    run([&]() -> net::awaitable<void> {
        client c(ioc.get_executor(), client_options_for(server));
        request req = sample_request();
        req.top_n = 3;
        req.instruct = "Rank passages about machine learning first.";
        auto out = co_await call(c, req);
        BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());
        BOOST_TEST(out.res.results.size() == 3u);
        auto body = last_body(server);
        BOOST_TEST(body.at("top_n").as_int64() == 3);
        BOOST_TEST(body.at("instruct").as_string() == *req.instruct);

        req.top_n = 50; // more than the documents: all of them
        out = co_await call(c, req);
        BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());
        BOOST_TEST(out.res.results.size() == req.documents.size());
    });
}

BOOST_AUTO_TEST_CASE(keep_alive_connection_is_reused) {
    run([&]() -> net::awaitable<void> {
        client c(ioc.get_executor(), client_options_for(server));
        request req = sample_request();
        for (int i = 0; i < 5; ++i) {
            auto out = co_await call(c, req);
            BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());
        }
        BOOST_TEST(server.stats().connections_accepted == 1u);
        auto stats = c.stats();
        BOOST_TEST(stats.connections_created == 1u);
        BOOST_TEST(stats.connections_reused == 4u);
        BOOST_TEST(stats.attempts == 5u);
        BOOST_TEST(stats.handshakes_full == 1u);
        BOOST_TEST(stats.idle == 1u);
        BOOST_TEST(stats.in_use == 0u);
    });
}

BOOST_AUTO_TEST_CASE(coroutine_convenience_returns_and_throws) {
    run([&]() -> net::awaitable<void> {
        client c(ioc.get_executor(), client_options_for(server));
        request req = sample_request();
        response res = co_await c.rerank(req);
        BOOST_TEST(res.results.size() == req.documents.size());

        req.query.clear();
        bool thrown = false;
        try {
            co_await c.rerank(req);
        } catch (const rerank::error_with_diagnostics& e) {
            thrown = true;
            BOOST_TEST(e.code() == errc::invalid_request);
            BOOST_TEST(!e.diagnostics().client_message.empty());
            BOOST_TEST(std::string(e.what()).find("invalid_request") != std::string::npos);
        }
        BOOST_TEST(thrown);
    });
}

BOOST_AUTO_TEST_CASE(invalid_requests_send_nothing) {
    run([&]() -> net::awaitable<void> {
        client c(ioc.get_executor(), client_options_for(server));
        std::vector<request> bad(4, sample_request());
        bad[0].query.clear();
        bad[1].documents.clear();
        bad[2].top_n = 0;
        bad[3].documents[2] = std::string("caf\xC3", 4); // cut UTF-8 sequence
        for (const auto& req : bad) {
            auto out = co_await call(c, req);
            BOOST_TEST(out.ec == errc::invalid_request);
            BOOST_TEST(!out.diag.client_message.empty());
            BOOST_TEST(out.diag.attempts == 0u);
        }
        BOOST_TEST(server.stats().requests == 0u);
        BOOST_TEST(server.stats().connections_accepted == 0u);
    });
}

BOOST_AUTO_TEST_CASE(control_characters_in_header_values_are_refused) {
    run([&]() -> net::awaitable<void> {
        auto opts = client_options_for(server);
        opts.api_key = "emulator-key\r\nX-Evil: 1";
        client c(ioc.get_executor(), opts);
        auto out = co_await call(c, sample_request());
        BOOST_TEST(out.ec == errc::invalid_request);
        BOOST_TEST(out.diag.client_message.find("emulator-key") == std::string::npos);
        BOOST_TEST(server.stats().requests == 0u);
    });
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(client_plain_http)

BOOST_AUTO_TEST_CASE(http_base_url_is_used_as_given) {
    emulator::options opts;
    emulator_fixture f(opts);
    f.run([&]() -> net::awaitable<void> {
        client_options copts;
        copts.base_url = f.server.base_url();
        copts.api_key = "emulator-key";
        client c(f.ioc.get_executor(), copts);
        auto out = co_await call(c, sample_request());
        BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());
        BOOST_TEST(out.res.results.size() == 5u);
        BOOST_TEST(c.stats().handshakes_full == 0u);
    });
}

BOOST_AUTO_TEST_SUITE_END()
