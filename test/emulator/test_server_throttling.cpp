// The account quota (--rpm, --tpm) as a client sees it: the rate admitted, DashScope's 429
// bodies in both dialects, the token limit, and what does not consume quota.
#include "client.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <map>
#include <stdexcept>

using namespace rerank::emulator;
using namespace rerank::emulator::test;

namespace {

// Byte counts make token costs obvious: "q" with {"abcd", "efgh"} costs 1 × 2 + 4 + 4 = 10.
options quota_options(double requests_per_minute, double tokens_per_minute = 0) {
    options o;
    o.requests_per_minute = requests_per_minute;
    o.tokens_per_minute = tokens_per_minute;
    o.count_tokens = approximate_token_count;
    return o;
}

const std::vector<std::string> ten_token_docs{"abcd", "efgh"};

http::request<http::string_body> compatible_ten_tokens() {
    return post(compatible_path, compatible_body("q", ten_token_docs));
}
http::request<http::string_body> native_ten_tokens() {
    return post(native_path, native_body("q", ten_token_docs));
}

struct quota_server {
    server s;
    explicit quota_server(options o)
        : s(std::move(o)) {
        s.start();
    }

    // One request per connection, in order; the answers.
    std::vector<exchange_result> send(std::vector<http::request<http::string_body>> requests) {
        std::vector<exchange_result> answers;
        io_fixture().run([&]() -> asio::awaitable<void> {
            for (auto& request : requests)
                answers.push_back(co_await one_shot(s.port(), std::move(request)));
        });
        return answers;
    }
};

struct hammer_tally {
    std::map<unsigned, std::size_t> by_status;
    std::size_t throttle_hints = 0; // answers with Retry-After or retry-after-ms
    std::chrono::duration<double> elapsed{0};
};

// `clients` keep-alive connections sending `request` back to back for `duration`.
hammer_tally hammer(unsigned short port, const http::request<http::string_body>& request,
                    int clients, std::chrono::milliseconds duration) {
    hammer_tally tally;
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + duration;
    const auto client_loop = [&]() -> asio::awaitable<void> {
        raw_client client(co_await asio::this_coro::executor);
        if (!co_await client.connect(port)) {
            while (std::chrono::steady_clock::now() < deadline) {
                const auto r = co_await client.exchange(request);
                if (r.ec)
                    break;
                ++tally.by_status[r.response.result_int()];
                if (r.response.count("Retry-After") != 0 || r.response.count("retry-after-ms") != 0)
                    ++tally.throttle_hints;
            }
        }
        client.close();
    };
    io_fixture().run([&]() -> asio::awaitable<void> {
        BOOST_TEST(co_await concurrently(clients, client_loop, duration + 10s));
    });
    tally.elapsed = std::chrono::steady_clock::now() - start;
    return tally;
}

} // namespace

BOOST_AUTO_TEST_SUITE(emulator_throttling)

BOOST_AUTO_TEST_CASE(the_request_rate_admitted_is_the_quota_enforced_per_second) {
    quota_server q(quota_options(600)); // 10 per second, a burst of 10
    const hammer_tally tally = hammer(q.s.port(), compatible_ten_tokens(), 3, 1500ms);
    const double seconds = tally.elapsed.count();
    const double expected = 10 + 10 * seconds;
    const std::size_t ok = tally.by_status.count(200) ? tally.by_status.at(200) : 0;
    const std::size_t throttled = tally.by_status.count(429) ? tally.by_status.at(429) : 0;
    BOOST_TEST_MESSAGE("admitted " << ok << " of " << ok + throttled << " in " << seconds
                                   << " s, expected about " << expected);
    BOOST_TEST(tally.by_status.size() <= 2u); // only 200 and 429
    // GCRA never admits more than the burst plus the rate; a client this busy gets close to it.
    BOOST_TEST(static_cast<double>(ok) <= expected + 1);
    BOOST_TEST(static_cast<double>(ok) >= 0.75 * expected);
    BOOST_TEST(throttled > ok);
    BOOST_TEST(tally.throttle_hints == 0u); // DashScope sends no Retry-After, nor do we by default
    const server_stats st = q.s.stats();
    BOOST_TEST(st.throttled == throttled);
    BOOST_TEST(st.responses_by_status.at(429) == throttled);
}

BOOST_AUTO_TEST_CASE(requests_over_the_rate_get_dashscopes_429_in_each_dialect) {
    quota_server q(quota_options(60)); // a burst of one request
    auto answers = q.send({compatible_ten_tokens(), compatible_ten_tokens(), native_ten_tokens()});
    BOOST_TEST(answers[0].response.result_int() == 200u);

    const exchange_result& compatible = answers[1];
    BOOST_TEST(compatible.response.result_int() == 429u);
    BOOST_TEST(compatible.response[http::field::content_type] == "application/json");
    BOOST_TEST(compatible.response.count("retry-after-ms") == 0u);
    BOOST_TEST(compatible.response.count(http::field::retry_after) == 0u);
    const json::value body = compatible.json();
    const json::value& error = body.at("error");
    BOOST_TEST(error.at("code").as_string() == "Throttling.RateQuota");
    BOOST_TEST(error.at("message").as_string() ==
               "Requests rate limit exceeded, please try again later.");
    BOOST_TEST(error.at("param").is_null());
    BOOST_TEST(!body.at("request_id").as_string().empty());

    const exchange_result& native = answers[2];
    BOOST_TEST(native.response.result_int() == 429u);
    const json::value native_body = native.json();
    BOOST_TEST(native_body.at("code").as_string() == "Throttling.RateQuota");
    BOOST_TEST(native_body.at("message").as_string() ==
               "Requests rate limit exceeded, please try again later.");
    BOOST_TEST(!native_body.at("request_id").as_string().empty());
    BOOST_TEST(q.s.stats().throttled == 2u);
}

BOOST_AUTO_TEST_CASE(tokens_over_the_rate_get_allocation_quota_in_each_dialect) {
    quota_server q(quota_options(0, 600)); // 10 tokens a second, a burst of 10
    auto answers = q.send({compatible_ten_tokens(), compatible_ten_tokens(), native_ten_tokens()});
    BOOST_TEST(answers[0].response.result_int() == 200u);
    BOOST_TEST(answers[1].response.result_int() == 429u);
    BOOST_TEST(answers[1].json().at("error").at("code").as_string() ==
               "Throttling.AllocationQuota");
    BOOST_TEST(answers[1].json().at("error").at("message").as_string() ==
               "Allocated quota exceeded, please increase your quota limit.");
    BOOST_TEST(answers[2].response.result_int() == 429u);
    BOOST_TEST(answers[2].json().at("code").as_string() == "Throttling.AllocationQuota");
    BOOST_TEST(q.s.stats().throttled == 2u);
}

BOOST_AUTO_TEST_CASE(cheap_requests_pass_where_costly_ones_are_throttled) {
    quota_server q(quota_options(0, 600));
    const std::vector<std::string> two_tokens{"a"};
    auto answers =
        q.send({post(compatible_path, compatible_body("q", {"abcdefg"})), // 8 tokens
                compatible_ten_tokens(), post(compatible_path, compatible_body("q", two_tokens))});
    BOOST_TEST(answers[0].response.result_int() == 200u);
    BOOST_TEST(answers[1].response.result_int() == 429u);
    BOOST_TEST(answers[2].response.result_int() == 200u);
}

BOOST_AUTO_TEST_CASE(refused_and_faulted_requests_consume_no_quota) {
    quota_server q(quota_options(60)); // one request a second, a burst of one
    q.s.push_fault(fault::status(503, R"({"code":"ServiceUnavailable","message":"x"})"));
    auto answers = q.send({compatible_ten_tokens(), compatible_ten_tokens()});
    BOOST_TEST(answers[0].response.result_int() == 503u); // the fault's answer cost nothing
    BOOST_TEST(answers[1].response.result_int() == 200u);

    // Throttled ones cost nothing either: a second after the admission, the next one passes.
    const auto admitted = std::chrono::steady_clock::now();
    std::vector<http::request<http::string_body>> many(5, compatible_ten_tokens());
    many.push_back(post(compatible_path, compatible_body("", ten_token_docs))); // empty query
    answers = q.send(std::move(many));
    for (std::size_t i = 0; i < 5; ++i)
        BOOST_TEST(answers[i].response.result_int() == 429u);
    BOOST_TEST(answers[5].response.result_int() == 400u); // invalid before throttled
    std::this_thread::sleep_until(admitted + 1050ms);
    answers = q.send({compatible_ten_tokens()});
    BOOST_TEST(answers[0].response.result_int() == 200u);
    BOOST_TEST(q.s.stats().throttled == 5u);
}

BOOST_AUTO_TEST_CASE(retry_after_ms_is_sent_when_asked_fixed_or_computed) {
    {
        options o = quota_options(60);
        o.throttle_retry_after = 250ms;
        quota_server q(std::move(o));
        auto answers = q.send({compatible_ten_tokens(), compatible_ten_tokens()});
        BOOST_TEST(answers[1].response.result_int() == 429u);
        BOOST_TEST(answers[1].response["retry-after-ms"] == "250");
    }
    {
        options o = quota_options(60);
        o.throttle_retry_after = 0ms;
        quota_server q(std::move(o));
        auto answers = q.send({compatible_ten_tokens(), compatible_ten_tokens()});
        BOOST_TEST(answers[1].response.result_int() == 429u);
        const int hint = std::stoi(std::string(answers[1].response["retry-after-ms"]));
        BOOST_TEST(hint > 0);
        BOOST_TEST(hint <= 1000);
    }
}

BOOST_AUTO_TEST_CASE(a_negative_or_infinite_quota_does_not_start) {
    server negative(quota_options(-1));
    BOOST_CHECK_THROW(negative.start(), std::invalid_argument);
    server infinite(quota_options(0, std::numeric_limits<double>::infinity()));
    BOOST_CHECK_THROW(infinite.start(), std::invalid_argument);
    options o;
    o.quota_burst = -1ms;
    server negative_burst(o);
    BOOST_CHECK_THROW(negative_burst.start(), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
