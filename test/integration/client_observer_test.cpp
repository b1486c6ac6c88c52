// client_options::observer against the emulator: the events of a success, of retries, of
// throttling, of a split call and of failures, in order, counted, with their attributes.
#include "integration/call_helpers.hpp"
#include "integration/split_helpers.hpp"
#include "support/emulator_fixture.hpp"

#include <rerank/observer.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

using namespace rerank;
using namespace rerank::test;
using namespace std::chrono_literals;
namespace net = boost::asio;

namespace {

/// One event as a user turning events into spans sees it: its kind and its attributes.
struct recorded_event {
    std::string kind;
    std::map<std::string, std::string> attributes;

    const std::string& at(const std::string& name) const {
        static const std::string absent = "<absent>";
        auto it = attributes.find(name);
        return it == attributes.end() ? absent : it->second;
    }
    bool has(const std::string& name) const { return attributes.count(name) != 0; }
};

std::string text_of(const attribute_value& v) {
    return std::visit(
        [](const auto& x) {
            if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::string_view>)
                return std::string(x);
            else
                return std::to_string(x);
        },
        v);
}

/// Records every event through its attribute list (the way a span exporter would), and keeps
/// the typed attempt ends for their durations.
struct recording_observer : observer {
    std::vector<recorded_event> events;
    std::vector<attempt_end_event> attempt_ends;

    template <class E>
    void record(const char* kind, const E& e) {
        recorded_event r{kind, {}};
        e.for_each_attribute([&](std::string_view name, const attribute_value& value) {
            r.attributes[std::string(name)] = text_of(value);
        });
        events.push_back(std::move(r));
    }
    void on_call_start(const call_start_event& e) override { record("call_start", e); }
    void on_call_end(const call_end_event& e) override { record("call_end", e); }
    void on_attempt_start(const attempt_start_event& e) override { record("attempt_start", e); }
    void on_attempt_end(const attempt_end_event& e) override {
        record("attempt_end", e);
        attempt_ends.push_back(e);
        attempt_ends.back().provider_code = {}; // views die with the callback
        attempt_ends.back().request_id = {};
    }
    void on_retry(const retry_event& e) override { record("retry", e); }
    void on_throttle_wait(const throttle_wait_event& e) override { record("throttle_wait", e); }
    void on_cache_lookup(const cache_lookup_event& e) override { record("cache_lookup", e); }

    std::vector<std::string> kinds() const {
        std::vector<std::string> out;
        for (const auto& e : events)
            out.push_back(e.kind);
        return out;
    }
    std::vector<const recorded_event*> of(const std::string& kind) const {
        std::vector<const recorded_event*> out;
        for (const auto& e : events)
            if (e.kind == kind)
                out.push_back(&e);
        return out;
    }
    std::size_t count(const std::string& kind) const { return of(kind).size(); }
};

struct observed_client {
    std::shared_ptr<recording_observer> seen = std::make_shared<recording_observer>();
    client_options options;

    explicit observed_client(client_options opts)
        : options(std::move(opts)) {
        options.observer = seen;
    }
};

/// Checks that every event names the call, the system, the model and the server.
void check_common_attributes(const recording_observer& seen, const emulator::server& server) {
    for (const auto& e : seen.events) {
        BOOST_TEST(e.at("gen_ai.system") == "dashscope");
        BOOST_TEST(e.at("gen_ai.operation.name") == "rerank");
        BOOST_TEST(e.at("gen_ai.request.model") == "qwen3-rerank");
        BOOST_TEST(e.at("server.address") == "127.0.0.1");
        BOOST_TEST(e.at("server.port") == std::to_string(server.port()));
        BOOST_TEST(e.at("rerank.dialect") == "dashscope");
    }
}

const std::string overloaded_body =
    R"({"error":{"message":"Model is overloaded","type":"server_error","param":null,"code":"ModelUnavailable"},"request_id":"req-503"})";

} // namespace

BOOST_AUTO_TEST_SUITE(client_observer)

BOOST_FIXTURE_TEST_CASE(a_success_tells_start_attempt_and_end_with_their_attributes,
                        emulator_fixture) {
    run([&]() -> net::awaitable<void> {
        observed_client o(client_options_for(server));
        client c(ioc.get_executor(), o.options);
        auto first = co_await call(c, sample_request());
        BOOST_TEST_REQUIRE(!first.ec, first.diag.to_string());
        auto second = co_await call(c, sample_request());
        BOOST_TEST_REQUIRE(!second.ec, second.diag.to_string());

        const auto& seen = *o.seen;
        const std::vector<std::string> one_call = {"call_start", "attempt_start", "attempt_end",
                                                   "call_end"};
        std::vector<std::string> expected = one_call;
        expected.insert(expected.end(), one_call.begin(), one_call.end());
        BOOST_TEST(seen.kinds() == expected, boost::test_tools::per_element());
        check_common_attributes(seen, server);

        const auto& start = seen.events[0];
        BOOST_TEST(start.at("rerank.call.id") == "1");
        BOOST_TEST(start.at("rerank.documents") == "5");
        const auto& attempt_start = seen.events[1];
        BOOST_TEST(attempt_start.at("rerank.attempt.id") == "1");
        BOOST_TEST(attempt_start.at("http.request.resend_count") == "0");
        BOOST_TEST(std::stoul(attempt_start.at("http.request.size")) > 200u);
        const auto& attempt_end = seen.events[2];
        BOOST_TEST(attempt_end.at("rerank.attempt.id") == "1");
        BOOST_TEST(attempt_end.at("http.response.status_code") == "200");
        BOOST_TEST(attempt_end.at("gen_ai.response.id") == first.res.id);
        BOOST_TEST(attempt_end.at("rerank.attempt.outcome") == "succeeded");
        BOOST_TEST(attempt_end.at("rerank.connection") == "new");
        BOOST_TEST(std::stoul(attempt_end.at("http.response.body.size")) > 100u);
        BOOST_TEST(!attempt_end.has("error.type"));
        BOOST_TEST(!attempt_end.has("rerank.provider_code"));
        const auto& end = seen.events[3];
        BOOST_TEST(end.at("rerank.sub_requests") == "1");
        BOOST_TEST(end.at("gen_ai.usage.input_tokens") ==
                   std::to_string(first.res.usage.total_tokens));
        BOOST_TEST(first.res.usage.total_tokens > 0u);
        BOOST_TEST(!end.has("error.type"));

        // The second call is numbered on and reuses the connection.
        BOOST_TEST(seen.events[4].at("rerank.call.id") == "2");
        BOOST_TEST(seen.events[5].at("rerank.attempt.id") == "2");
        BOOST_TEST(seen.events[6].at("rerank.connection") == "reused");
        BOOST_TEST(seen.attempt_ends.size() == 2u);
        for (const auto& e : seen.attempt_ends) {
            BOOST_TEST(e.latency.count() > 0);
            BOOST_TEST(e.attempt.bytes_out > 0u);
        }
    });
}

BOOST_FIXTURE_TEST_CASE(retries_tell_each_attempt_and_the_reason_and_delay, emulator_fixture) {
    run([&]() -> net::awaitable<void> {
        client_options opts = client_options_for(server);
        opts.retry.initial_backoff = 20ms;
        observed_client o(opts);
        client c(ioc.get_executor(), o.options);
        server.push_fault(emulator::fault::status(503, overloaded_body));
        server.push_fault(emulator::fault::status(503, overloaded_body));
        auto out = co_await call(c, sample_request());
        BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());

        const auto& seen = *o.seen;
        const std::vector<std::string> expected = {
            "call_start",  "attempt_start", "attempt_end",   "retry",       "attempt_start",
            "attempt_end", "retry",         "attempt_start", "attempt_end", "call_end"};
        BOOST_TEST(seen.kinds() == expected, boost::test_tools::per_element());
        check_common_attributes(seen, server);
        const auto ends = seen.of("attempt_end");
        const auto retries = seen.of("retry");
        for (std::size_t i = 0; i < 2; ++i) {
            BOOST_TEST(ends[i]->at("http.response.status_code") == "503");
            BOOST_TEST(ends[i]->at("rerank.provider_code") == "ModelUnavailable");
            BOOST_TEST(ends[i]->at("gen_ai.response.id") == "req-503");
            BOOST_TEST(ends[i]->at("error.type") == "server_error");
            BOOST_TEST(ends[i]->at("rerank.attempt.outcome") == "transient");
            BOOST_TEST(ends[i]->at("http.request.resend_count") == std::to_string(i));
            BOOST_TEST(retries[i]->at("rerank.retry.reason") == "transient");
            BOOST_TEST(retries[i]->at("rerank.attempt.id") == ends[i]->at("rerank.attempt.id"));
            // Full jitter under a ceiling of 20 ms, then 40 ms.
            BOOST_TEST(std::stol(retries[i]->at("rerank.retry.delay_ms")) <= 20l << i);
        }
        BOOST_TEST(ends[2]->at("http.response.status_code") == "200");
        BOOST_TEST(ends[2]->at("http.request.resend_count") == "2");
        BOOST_TEST(seen.events.back().at("rerank.sub_requests") == "1");
    });
}

BOOST_FIXTURE_TEST_CASE(throttling_tells_the_429s_their_retries_and_the_pacers_waits, io_fixture) {
    throttling_emulator f(720); // 12 requests per second
    auto& server = f.server;
    f.run(
        [&]() -> net::awaitable<void> {
            observed_client o(split_in_twos(server));
            client c(f.ioc.get_executor(), o.options);
            auto out = co_await call(c, split_request(60)); // 30 sub-requests
            BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());

            const auto& seen = *o.seen;
            check_common_attributes(seen, server);
            const std::size_t throttled = server.stats().throttled;
            BOOST_TEST(throttled >= 1u); // nothing configured: the client finds the rate
            BOOST_TEST(c.stats().throttled == throttled);
            std::size_t throttled_ends = 0, succeeded_ends = 0;
            for (const auto* e : seen.of("attempt_end")) {
                if (e->at("rerank.attempt.outcome") == "throttled") {
                    ++throttled_ends;
                    BOOST_TEST(e->at("http.response.status_code") == "429");
                    BOOST_TEST(e->at("rerank.provider_code") == "Throttling.RateQuota");
                    BOOST_TEST(e->at("error.type") == "rate_limited");
                } else {
                    BOOST_TEST(e->at("rerank.attempt.outcome") == "succeeded");
                    ++succeeded_ends;
                }
            }
            BOOST_TEST(throttled_ends == throttled);
            BOOST_TEST(succeeded_ends == 30u);
            BOOST_TEST(seen.count("attempt_start") == throttled + 30);
            // Every throttled request was sent again (the deadline was far).
            const auto retries = seen.of("retry");
            BOOST_TEST(retries.size() == throttled);
            for (const auto* r : retries)
                BOOST_TEST(r->at("rerank.retry.reason") == "throttled");
            // Once the rate is known, the pacer holds requests back: waits are told.
            const auto waits = seen.of("throttle_wait");
            BOOST_TEST(waits.size() >= 1u);
            BOOST_TEST(waits.size() == c.stats().admissions_waited);
            for (const auto* w : waits)
                BOOST_TEST(std::stod(w->at("rerank.throttle.wait_ms")) >= 1.0);
            BOOST_TEST(seen.events.front().kind == "call_start");
            BOOST_TEST(seen.events.back().kind == "call_end");
            BOOST_TEST(seen.events.back().at("rerank.sub_requests") == "30");
        },
        60s);
}

BOOST_FIXTURE_TEST_CASE(a_split_call_tells_every_sub_request_between_start_and_end,
                        emulator_fixture) {
    run([&]() -> net::awaitable<void> {
        observed_client o(split_in_twos(server));
        client c(ioc.get_executor(), o.options);
        auto out = co_await call(c, split_request(6)); // 3 sub-requests
        BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());
        BOOST_TEST(out.res.requests == 3u);

        const auto& seen = *o.seen;
        BOOST_TEST(seen.events.size() == 8u);
        check_common_attributes(seen, server);
        BOOST_TEST(seen.events.front().kind == "call_start");
        BOOST_TEST(seen.events.front().at("rerank.documents") == "6");
        BOOST_TEST(seen.events.back().kind == "call_end");
        BOOST_TEST(seen.events.back().at("rerank.sub_requests") == "3");
        BOOST_TEST(seen.events.back().at("gen_ai.usage.input_tokens") ==
                   std::to_string(out.res.usage.total_tokens));
        // Spans by attempt id: each starts before it ends, three distinct ones.
        std::set<std::string> open, closed;
        for (const auto& e : seen.events) {
            if (e.kind == "attempt_start") {
                BOOST_TEST(e.at("rerank.documents") == "2");
                BOOST_TEST(open.insert(e.at("rerank.attempt.id")).second);
            } else if (e.kind == "attempt_end") {
                BOOST_TEST(open.count(e.at("rerank.attempt.id")) == 1u);
                BOOST_TEST(closed.insert(e.at("rerank.attempt.id")).second);
                BOOST_TEST(e.at("http.response.status_code") == "200");
            }
        }
        BOOST_TEST(closed.size() == 3u);
        BOOST_TEST(open == closed);
    });
}

BOOST_FIXTURE_TEST_CASE(failures_tell_their_error_type, emulator_fixture) {
    run([&]() -> net::awaitable<void> {
        client_options opts = client_options_for(server);
        opts.api_key = "sk-wrong-secret-key";
        observed_client o(opts);
        client c(ioc.get_executor(), o.options);
        auto refused = co_await call(c, sample_request());
        BOOST_TEST(refused.ec == errc::authentication_failed);
        request empty = sample_request();
        empty.query.clear();
        auto invalid = co_await call(c, empty);
        BOOST_TEST(invalid.ec == errc::invalid_request);

        const auto& seen = *o.seen;
        // Not retried; the invalid call sends nothing.
        const std::vector<std::string> expected = {"call_start", "attempt_start", "attempt_end",
                                                   "call_end",   "call_start",    "call_end"};
        BOOST_TEST(seen.kinds() == expected, boost::test_tools::per_element());
        check_common_attributes(seen, server);
        const auto& attempt_end = seen.events[2];
        BOOST_TEST(attempt_end.at("http.response.status_code") == "401");
        BOOST_TEST(attempt_end.at("rerank.attempt.outcome") == "permanent");
        BOOST_TEST(attempt_end.at("error.type") == "authentication_failed");
        BOOST_TEST(attempt_end.at("gen_ai.response.id") == refused.diag.request_id);
        BOOST_TEST(seen.events[3].at("error.type") == "authentication_failed");
        BOOST_TEST(seen.events[3].at("rerank.sub_requests") == "0");
        BOOST_TEST(!seen.events[3].has("gen_ai.usage.input_tokens"));
        BOOST_TEST(seen.events[5].at("error.type") == "invalid_request");
    });
}

BOOST_AUTO_TEST_SUITE_END()
