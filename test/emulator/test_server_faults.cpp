// Every fault kind, the fault queue and the hook, as a client observes them.
#include "client.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>

using namespace rerank::emulator;
using namespace rerank::emulator::test;

namespace {

struct fault_fixture {
    server s{options{}};
    fault_fixture() { s.start(); }
    unsigned short port() const { return s.port(); }

    const std::vector<std::string> docs{"red apple", "green pear", "red cherry"};
    http::request<http::string_body> good() const {
        return post(compatible_path, compatible_body("red", docs));
    }
    std::string good_text() const {
        auto req = good();
        std::ostringstream out;
        out << req;
        return out.str();
    }

    // One request on a new connection, read raw until the server ends the connection.
    raw_read raw_exchange(std::chrono::milliseconds limit = 3s) {
        raw_read result;
        const std::string request = good_text();
        io_fixture().run([&]() -> asio::awaitable<void> {
            raw_client client(co_await asio::this_coro::executor);
            BOOST_REQUIRE(!co_await client.connect(port()));
            BOOST_REQUIRE(!co_await client.write(request));
            result = co_await client.read_until_end(limit);
        });
        return result;
    }

    exchange_result exchange(http::request<http::string_body> request,
                             std::chrono::milliseconds limit = 5s) {
        exchange_result result;
        io_fixture().run([&]() -> asio::awaitable<void> {
            result = co_await one_shot(port(), std::move(request), limit);
        });
        return result;
    }
};

std::size_t content_length_of(const std::string& raw) {
    const auto at = raw.find("Content-Length: ");
    BOOST_REQUIRE(at != std::string::npos);
    return std::stoul(raw.substr(at + 16));
}

std::size_t body_bytes_of(const std::string& raw) {
    const auto at = raw.find("\r\n\r\n");
    BOOST_REQUIRE(at != std::string::npos);
    return raw.size() - at - 4;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(emulator_faults, fault_fixture)

BOOST_AUTO_TEST_CASE(status_faults_answer_as_told) {
    s.push_fault(fault::status(429, R"({"code":"Throttling.RateQuota","message":"slow down"})",
                               {{"Retry-After", "2"}}));
    s.push_fault(fault::status(302, "", {{"Location", "https://elsewhere.example/"}}, ""));
    s.push_fault(
        fault::status(503, "<html><body>Service Unavailable</body></html>", {}, "text/html"));

    auto r = exchange(good());
    BOOST_REQUIRE(!r.ec);
    BOOST_TEST(r.response.result_int() == 429u);
    BOOST_TEST(r.response["Retry-After"] == "2");
    BOOST_TEST(r.json().at("code").as_string() == "Throttling.RateQuota");

    r = exchange(good());
    BOOST_TEST(r.response.result_int() == 302u);
    BOOST_TEST(r.response[http::field::location] == "https://elsewhere.example/");
    BOOST_TEST(r.response.body().empty());

    r = exchange(good());
    BOOST_TEST(r.response.result_int() == 503u);
    BOOST_TEST(r.response[http::field::content_type] == "text/html");
    BOOST_TEST(r.json().is_null());

    r = exchange(good()); // the queue is empty again
    BOOST_TEST(r.response.result_int() == 200u);
    BOOST_TEST(s.stats().faults_applied == 3u);
    BOOST_TEST(s.stats().responses_by_status.at(429) == 1u);
}

BOOST_AUTO_TEST_CASE(status_faults_apply_whatever_the_request) {
    s.push_fault(fault::status(500, R"({"code":"InternalError"})"));
    const auto r = exchange(post("/nowhere", json::object{}, "wrong-key"));
    BOOST_TEST(r.response.result_int() == 500u);
}

BOOST_AUTO_TEST_CASE(delay_waits_then_answers_normally) {
    s.push_fault(fault::delay(300ms));
    const auto r = exchange(good());
    BOOST_REQUIRE(!r.ec);
    BOOST_TEST(r.response.result_int() == 200u);
    BOOST_TEST(r.elapsed >= 300ms);
}

BOOST_AUTO_TEST_CASE(a_delay_combines_with_another_fault) {
    s.push_fault(fault::status(429).after(200ms));
    const auto r = exchange(good());
    BOOST_TEST(r.response.result_int() == 429u);
    BOOST_TEST(r.elapsed >= 200ms);
}

BOOST_AUTO_TEST_CASE(drop_closes_without_an_answer) {
    s.push_fault(fault::drop());
    const raw_read raw = raw_exchange();
    BOOST_TEST(raw.bytes.empty());
    BOOST_TEST(raw.ended_by == asio::error::eof);
    BOOST_TEST(s.stats().requests == 1u);
    BOOST_TEST(s.stats().responses_by_status.empty());
}

BOOST_AUTO_TEST_CASE(reset_mid_body_sends_part_then_resets) {
    s.push_fault(fault::reset_mid_body(10));
    const raw_read raw = raw_exchange();
    BOOST_TEST(raw.bytes.starts_with("HTTP/1.1 200 OK\r\n"));
    BOOST_TEST(body_bytes_of(raw.bytes) == 10u);
    BOOST_TEST(content_length_of(raw.bytes) > 10u);
    BOOST_TEST(raw.ended_by == asio::error::connection_reset);
}

BOOST_AUTO_TEST_CASE(reset_mid_body_fails_an_http_client) {
    s.push_fault(fault::reset_mid_body());
    const auto r = exchange(good());
    BOOST_TEST(r.ec.failed());
}

BOOST_AUTO_TEST_CASE(truncated_body_promises_more_than_it_sends) {
    s.push_fault(fault::truncated_body());
    const raw_read raw = raw_exchange();
    BOOST_TEST(raw.bytes.starts_with("HTTP/1.1 200 OK\r\n"));
    const std::size_t promised = content_length_of(raw.bytes);
    BOOST_TEST(body_bytes_of(raw.bytes) == promised / 2);
    BOOST_TEST(raw.ended_by == asio::error::eof); // a clean close, not a reset

    s.push_fault(fault::truncated_body());
    const auto r = exchange(good());
    BOOST_TEST(r.ec == error_code(http::error::partial_message));
}

BOOST_AUTO_TEST_CASE(stall_never_answers_until_the_client_leaves) {
    s.push_fault(fault::stall());
    const std::string request = good_text();
    const auto normal = good();
    io_fixture().run([&]() -> asio::awaitable<void> {
        raw_client client(co_await asio::this_coro::executor);
        BOOST_REQUIRE(!co_await client.connect(port()));
        BOOST_REQUIRE(!co_await client.write(request));
        BOOST_TEST(co_await eventually([&] { return s.stats().requests == 1; }));
        co_await sleep_for(300ms);
        BOOST_TEST(s.stats().connections_open == 1u);
        // Other connections are served meanwhile.
        const auto other = co_await one_shot(port(), normal);
        BOOST_TEST(other.response.result_int() == 200u);
        // Nothing ever arrives; the read times out, and the client's timeout closes its socket.
        const raw_read nothing = co_await client.read_until_end(300ms);
        BOOST_TEST(nothing.bytes.empty());
        BOOST_TEST(nothing.ended_by == error_code(beast::error::timeout));
        BOOST_TEST(co_await eventually([&] { return s.stats().connections_open == 0; }));
    });
    BOOST_TEST(s.stats().responses_by_status.at(200) == 1u);
}

BOOST_AUTO_TEST_CASE(stop_ends_stalled_connections) {
    s.push_fault(fault::stall());
    const std::string request = good_text();
    io_fixture().run([&]() -> asio::awaitable<void> {
        raw_client client(co_await asio::this_coro::executor);
        BOOST_REQUIRE(!co_await client.connect(port()));
        BOOST_REQUIRE(!co_await client.write(request));
        BOOST_TEST(co_await eventually([&] { return s.stats().requests == 1; }));
        s.stop();
        const raw_read raw = co_await client.read_until_end(3s);
        BOOST_TEST(raw.bytes.empty());
        BOOST_TEST(raw.ended_by != error_code(beast::error::timeout));
    });
}

BOOST_AUTO_TEST_CASE(slow_drip_sends_the_normal_answer_slowly) {
    s.push_fault(fault::slow_drip(64, 30ms));
    const auto dripped = exchange(good());
    BOOST_REQUIRE(!dripped.ec);
    BOOST_TEST(dripped.response.result_int() == 200u);
    BOOST_TEST(dripped.json().at("results").as_array().size() == 3u);

    // The exact bytes, on a connection the server closes after answering.
    s.push_fault(fault::slow_drip(64, 30ms));
    auto closing = good();
    closing.keep_alive(false);
    std::ostringstream request;
    request << closing;
    const std::string text = request.str();
    raw_read raw;
    io_fixture().run([&]() -> asio::awaitable<void> {
        raw_client client(co_await asio::this_coro::executor);
        BOOST_REQUIRE(!co_await client.connect(port()));
        BOOST_REQUIRE(!co_await client.write(text));
        raw = co_await client.read_until_end(5s);
    });
    BOOST_TEST(raw.ended_by == asio::error::eof);
    BOOST_TEST(raw.bytes.starts_with("HTTP/1.1 200 OK\r\n"));
    BOOST_TEST(body_bytes_of(raw.bytes) == content_length_of(raw.bytes));
    const std::size_t pieces = (raw.bytes.size() + 63) / 64;
    BOOST_TEST(pieces >= 3u);
    // (The first piece may have arrived before the read began.)
    BOOST_TEST(raw.elapsed >= 30ms * (pieces - 2));
}

BOOST_AUTO_TEST_CASE(malformed_json_is_a_200_that_does_not_parse) {
    s.push_fault(fault::malformed_json());
    const auto r = exchange(good());
    BOOST_REQUIRE(!r.ec);
    BOOST_TEST(r.response.result_int() == 200u);
    BOOST_TEST(r.response[http::field::content_type] == "application/json");
    BOOST_TEST(!r.response.body().empty());
    BOOST_TEST(r.json().is_null());
}

BOOST_AUTO_TEST_CASE(wrong_results_are_well_formed_but_inconsistent) {
    s.push_fault(fault::wrong_results());
    auto r = exchange(good());
    BOOST_TEST(r.response.result_int() == 200u);
    BOOST_TEST(r.json().at("results").as_array()[0].at("index").to_number<int>() == 3);

    s.push_fault(fault::wrong_results(results_inconsistency::duplicate_index));
    r = exchange(post(native_path, native_body("red", docs)));
    const json::value body = r.json();
    const auto& results = body.at("output").at("results").as_array();
    BOOST_TEST(results[0].at("index") == results[1].at("index"));
}

BOOST_AUTO_TEST_CASE(the_hook_sees_each_request_and_decides_its_fault) {
    std::vector<request_info> seen;
    std::vector<std::string> queries, auth;
    std::mutex mutex;
    s.set_fault_hook([&](const request_info& info) {
        std::lock_guard lock(mutex);
        seen.push_back(info);
        queries.emplace_back(info.query.value_or("<none>"));
        auth.emplace_back(find_header(*info.headers, "authorization").value_or("<none>"));
        return info.sequence % 2 == 1 ? fault::status(503) : fault::normal();
    });
    s.push_fault(fault::status(429)); // the queue comes first, the hook is not asked

    io_fixture().run([&]() -> asio::awaitable<void> {
        raw_client client(co_await asio::this_coro::executor);
        BOOST_REQUIRE(!co_await client.connect(port()));
        auto r = co_await client.exchange(good());
        BOOST_TEST(r.response.result_int() == 429u);
        r = co_await client.exchange(good());
        BOOST_TEST(r.response.result_int() == 503u); // sequence 1
        r = co_await client.exchange(post(native_path, native_body("ask", docs)));
        BOOST_TEST(r.response.result_int() == 200u); // sequence 2
        r = co_await one_shot(port(), post_text("/elsewhere", "x", ""));
        BOOST_TEST(r.response.result_int() == 503u); // sequence 3
    });

    std::lock_guard lock(mutex);
    BOOST_REQUIRE(seen.size() == 3u);
    BOOST_TEST(seen[0].sequence == 1u);
    BOOST_TEST(seen[0].request_on_connection == 1u);
    BOOST_TEST(seen[1].request_on_connection == 2u);
    BOOST_TEST(seen[0].connection_id == seen[1].connection_id);
    BOOST_TEST(seen[2].connection_id != seen[1].connection_id);
    BOOST_TEST(seen[2].request_on_connection == 0u);
    BOOST_TEST((seen[0].dialect == rerank::dialect::dashscope));
    BOOST_TEST((seen[1].dialect == rerank::dialect::dashscope_native));
    BOOST_TEST(!seen[2].dialect);
    BOOST_TEST(queries[0] == "red");
    BOOST_TEST(queries[1] == "ask");
    BOOST_TEST(queries[2] == "<none>");
    BOOST_TEST(*seen[1].document_count == 3u);
    BOOST_TEST(!seen[2].document_count);
    BOOST_TEST(auth[0] == "Bearer emulator-key");
    BOOST_TEST(auth[2] == "<none>");
    BOOST_TEST(s.pending_faults() == 0u);
}

BOOST_AUTO_TEST_CASE(the_hook_sees_counts_of_requests_that_break_limits) {
    std::atomic<std::size_t> count{0};
    s.set_fault_hook([&](const request_info& info) {
        count = info.document_count.value_or(0);
        return fault::normal();
    });
    const auto r =
        exchange(post(compatible_path, compatible_body("q", std::vector<std::string>(501, "d"))));
    BOOST_TEST(r.response.result_int() == 400u);
    BOOST_TEST(count == 501u);
}

BOOST_AUTO_TEST_CASE(a_throwing_hook_gets_the_request_a_500) {
    s.set_fault_hook([](const request_info&) -> fault { throw std::runtime_error("oops"); });
    const auto r = exchange(good());
    BOOST_TEST(r.response.result_int() == 500u);
    BOOST_TEST(r.json().at("code").as_string() == "EmulatorHookFailed");
    BOOST_TEST(r.response["X-Emulator-Hook-Error"] == "oops");
}

BOOST_AUTO_TEST_CASE(clear_faults_empties_the_queue_and_removes_the_hook) {
    s.push_fault(fault::drop());
    s.set_fault_hook([](const request_info&) { return fault::drop(); });
    s.clear_faults();
    BOOST_TEST(s.pending_faults() == 0u);
    BOOST_TEST(exchange(good()).response.result_int() == 200u);
}

BOOST_AUTO_TEST_SUITE_END()
