// Connections: keep-alive, close_after_responses, idle_close_after, concurrency, and the
// counters tests rely on.
#include "client.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace rerank::emulator;
using namespace rerank::emulator::test;

namespace {

const std::vector<std::string> docs{"one", "two", "three"};

http::request<http::string_body> good(std::string_view path = compatible_path) {
    return path == compatible_path ? post(path, compatible_body("two", docs))
                                   : post(path, native_body("two", docs));
}

} // namespace

BOOST_AUTO_TEST_SUITE(emulator_connections)

BOOST_AUTO_TEST_CASE(stats_count_requests_paths_and_connections_and_keep_the_last_request) {
    server s{options{}};
    s.start();
    BOOST_TEST(s.base_url() ==
               "http://127.0.0.1:" + std::to_string(s.port()) + "/compatible-api/v1");
    io_fixture().run([&]() -> asio::awaitable<void> {
        raw_client a(co_await asio::this_coro::executor);
        BOOST_REQUIRE(!co_await a.connect(s.port()));
        BOOST_REQUIRE(!(co_await a.exchange(good())).ec);
        BOOST_REQUIRE(!(co_await a.exchange(good(native_path))).ec);
        BOOST_REQUIRE(!(co_await a.exchange(good())).ec);
        auto last = post_text(std::string(native_path) + "?trace=1", R"({"model":"qwen3-rerank"})");
        last.set("X-DashScope-WorkSpace", "ws-1");
        BOOST_REQUIRE(!(co_await one_shot(s.port(), last)).ec);
    });
    server_stats st = s.stats();
    BOOST_TEST(st.requests == 4u);
    BOOST_TEST(st.requests_by_path.at(std::string(compatible_path)) == 2u);
    BOOST_TEST(st.requests_by_path.at(std::string(native_path)) == 2u);
    BOOST_TEST(st.connections_accepted == 2u);
    BOOST_TEST(st.responses_by_status.at(200) == 3u);
    BOOST_TEST(st.responses_by_status.at(400) == 1u);
    BOOST_TEST(st.faults_applied == 0u);
    BOOST_REQUIRE(st.last_request);
    BOOST_TEST(st.last_request->method == "POST");
    BOOST_TEST(st.last_request->target == std::string(native_path) + "?trace=1");
    BOOST_TEST(st.last_request->body == R"({"model":"qwen3-rerank"})");
    BOOST_TEST(*find_header(st.last_request->headers, "authorization") == "Bearer emulator-key");
    BOOST_TEST(*find_header(st.last_request->headers, "x-dashscope-workspace") == "ws-1");
    BOOST_TEST(!find_header(st.last_request->headers, "x-absent"));

    io_fixture().run([&]() -> asio::awaitable<void> {
        BOOST_TEST(co_await eventually([&] { return s.stats().connections_open == 0; }));
    });
    s.reset_stats();
    st = s.stats();
    BOOST_TEST(st.requests == 0u);
    BOOST_TEST(st.requests_by_path.empty());
    BOOST_TEST(st.responses_by_status.empty());
    BOOST_TEST(st.connections_accepted == 0u);
    BOOST_TEST(st.max_connections_open == 0u);
    BOOST_TEST(!st.last_request);
}

BOOST_AUTO_TEST_CASE(concurrent_connections_are_served_at_once) {
    for (unsigned threads : {1u, 4u}) {
        BOOST_TEST_CONTEXT("threads " << threads) {
            options opts;
            opts.threads = threads;
            server s(opts);
            s.start();
            // Every request waits 300 ms: they can only overlap if served concurrently.
            s.set_fault_hook([](const request_info&) { return fault::delay(300ms); });
            constexpr int clients = 6;
            int ok = 0;
            io_fixture().run([&]() -> asio::awaitable<void> {
                const auto one = [&]() -> asio::awaitable<void> {
                    const auto r = co_await one_shot(s.port(), good());
                    if (!r.ec && r.response.result_int() == 200)
                        ++ok;
                };
                BOOST_TEST(co_await concurrently(clients, one, 10s));
            });
            BOOST_TEST(ok == clients);
            const server_stats st = s.stats();
            BOOST_TEST(st.max_connections_open == std::size_t(clients));
            BOOST_TEST(st.connections_accepted == std::size_t(clients));
            BOOST_TEST(st.faults_applied == std::size_t(clients));
        }
    }
}

BOOST_AUTO_TEST_CASE(close_after_responses_closes_the_connection_after_n_answers) {
    options opts;
    opts.close_after_responses = 2;
    server s(opts);
    s.start();
    io_fixture().run([&]() -> asio::awaitable<void> {
        raw_client client(co_await asio::this_coro::executor);
        BOOST_REQUIRE(!co_await client.connect(s.port()));
        auto r = co_await client.exchange(good());
        BOOST_REQUIRE(!r.ec);
        BOOST_TEST(r.response.keep_alive());
        r = co_await client.exchange(good());
        BOOST_REQUIRE(!r.ec);
        BOOST_TEST(!r.response.keep_alive());
        BOOST_TEST(r.response[http::field::connection] == "close");
        const raw_read rest = co_await client.read_until_end(2s);
        BOOST_TEST(rest.bytes.empty());
        BOOST_TEST(rest.ended_by == asio::error::eof);
        // A new connection gets two answers again.
        raw_client next(co_await asio::this_coro::executor);
        BOOST_REQUIRE(!co_await next.connect(s.port()));
        r = co_await next.exchange(good());
        BOOST_TEST(r.response.keep_alive());
    });
    BOOST_TEST(s.stats().connections_accepted == 2u);
}

BOOST_AUTO_TEST_CASE(a_client_asking_to_close_gets_its_connection_closed) {
    server s{options{}};
    s.start();
    io_fixture().run([&]() -> asio::awaitable<void> {
        raw_client client(co_await asio::this_coro::executor);
        BOOST_REQUIRE(!co_await client.connect(s.port()));
        auto req = good();
        req.keep_alive(false);
        const auto r = co_await client.exchange(req);
        BOOST_TEST(!r.response.keep_alive());
        BOOST_TEST((co_await client.read_until_end(2s)).ended_by == asio::error::eof);
    });
}

BOOST_AUTO_TEST_CASE(idle_close_after_closes_quiet_connections) {
    options opts;
    opts.idle_close_after = 500ms;
    server s(opts);
    s.start();
    io_fixture().run([&]() -> asio::awaitable<void> {
        raw_client client(co_await asio::this_coro::executor);
        BOOST_REQUIRE(!co_await client.connect(s.port()));
        // Requests within the idle time keep the connection.
        BOOST_TEST((co_await client.exchange(good())).response.result_int() == 200u);
        co_await sleep_for(100ms);
        BOOST_TEST((co_await client.exchange(good())).response.result_int() == 200u);
        // Then silence: the server hangs up.
        const raw_read rest = co_await client.read_until_end(3s);
        BOOST_TEST(rest.ended_by == asio::error::eof);
        BOOST_TEST(rest.elapsed >= 400ms);
        BOOST_TEST(co_await eventually([&] { return s.stats().connections_open == 0; }));
    });
    BOOST_TEST(s.stats().connections_accepted == 1u);
}

BOOST_AUTO_TEST_CASE(garbage_instead_of_http_ends_the_connection) {
    server s{options{}};
    s.start();
    io_fixture().run([&]() -> asio::awaitable<void> {
        raw_client client(co_await asio::this_coro::executor);
        BOOST_REQUIRE(!co_await client.connect(s.port()));
        BOOST_REQUIRE(!co_await client.write("\x16\x03\x01 this is not HTTP\r\n\r\n"));
        const raw_read rest = co_await client.read_until_end(3s);
        BOOST_TEST(rest.ended_by != error_code(beast::error::timeout));
    });
    BOOST_TEST(s.stats().requests == 0u);
}

BOOST_AUTO_TEST_CASE(stop_is_idempotent_and_refuses_new_connections) {
    server s{options{}};
    s.start();
    const unsigned short port = s.port();
    s.stop();
    s.stop();
    io_fixture().run([&]() -> asio::awaitable<void> {
        raw_client client(co_await asio::this_coro::executor);
        BOOST_TEST((co_await client.connect(port)).failed());
    });
}

BOOST_AUTO_TEST_SUITE_END()
