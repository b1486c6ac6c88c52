#include "quota/redis_quota_store.hpp"

#include "quota/local_quota_store.hpp"
#include "quota/redis_client.hpp"
#include "quota/redis_scripts.hpp"

#include <rerank/error_with_diagnostics.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cmath>
#include <cstdio>
#include <tuple>

namespace rerank::detail {

namespace net = boost::asio;

namespace {

// The throttle count a store reports only grows, though it comes from two counters: Redis's
// (which restarts from 0 with Redis or after its TTL) and the local fallback's. Each rise of
// either is added.
class throttle_total {
public:
    std::uint64_t from_redis(std::uint64_t count) { return add(redis_, count); }
    std::uint64_t from_fallback(std::uint64_t count) { return add(fallback_, count); }
    std::uint64_t current() const noexcept { return total_; }

private:
    std::uint64_t add(std::uint64_t& last, std::uint64_t count) {
        total_ += count >= last ? count - last : count;
        last = count;
        return total_;
    }

    std::uint64_t total_ = 0;
    std::uint64_t redis_ = 0;
    std::uint64_t fallback_ = 0;
};

// "; paced locally at 50% of the limits", or what failing means.
std::string without_redis_suffix(const redis_quota_options& options) {
    if (options.on_store_failure == quota_store_failure::fail)
        return "; calls fail meanwhile (on_store_failure = fail)";
    char percent[32];
    std::snprintf(percent, sizeof percent, "%.3g", options.local_share * 100);
    return std::string("; paced locally at ") + percent + "% of the limits";
}

redis_endpoint checked_endpoint(const redis_quota_options& options) {
    redis_endpoint ep;
    diagnostics diag;
    if (const error_code ec = parse_redis_quota_options(options, ep, diag))
        throw error_with_diagnostics(ec, diag);
    return ep;
}

} // namespace

error_code check_redis_quota_numbers(const redis_quota_options& options, diagnostics& diag) {
    auto refuse = [&](const char* what) {
        diag.client_message = what;
        return error_code(errc::invalid_request);
    };
    // (Negated comparison: NaN fails it.)
    if (!(options.local_share > 0 && options.local_share <= 1))
        return refuse("redis_quota_options::local_share must be in (0, 1]");
    if (options.command_timeout.count() <= 0 || options.max_reconnect_backoff.count() <= 0)
        return refuse("redis_quota_options::command_timeout and max_reconnect_backoff must be "
                      "positive");
    return {};
}

error_code parse_redis_quota_options(const redis_quota_options& options, redis_endpoint& out,
                                     diagnostics& diag) {
    if (const error_code ec = check_redis_quota_numbers(options, diag))
        return ec;
    return parse_redis_url(options.url, out, diag);
}

struct redis_store_state {
    redis_store_state(net::any_io_executor ex, const redis_quota_options& options,
                      const std::string& name)
        : executor(ex)
        , client(std::make_shared<redis_client>(ex, checked_endpoint(options),
                                                options.command_timeout,
                                                options.max_reconnect_backoff))
        , keys(name)
        , fallback("redis-fallback:" + name)
        , fail_without_redis(options.on_store_failure == quota_store_failure::fail)
        , local_share(options.local_share)
        , note_suffix(without_redis_suffix(options)) {}

    // Runs a script by its SHA1, and by its source if Redis does not know it.
    template <class MakeCommand>
    net::awaitable<std::tuple<error_code, redis_reply>> run_script(MakeCommand make_command) {
        auto result = co_await client->async_execute(make_command(false).bytes(),
                                                     net::as_tuple(net::use_awaitable));
        auto& [ec, reply] = result;
        if (!ec && is_unknown_script(*reply))
            result = co_await client->async_execute(make_command(true).bytes(),
                                                    net::as_tuple(net::use_awaitable));
        co_return result;
    }

    // The answer while Redis does not answer: `why` completes "Redis at host:port ...".
    quota_reservation without_redis(const std::string& why, const quota_cost& cost,
                                    quota_rates rates, std::chrono::microseconds max_wait) {
        std::string note = "Redis at " + client->endpoint().where() + " " + why + note_suffix;
        quota_reservation answer;
        if (fail_without_redis) {
            answer.ec = errc::quota_store_unavailable;
            answer.booked = false;
            answer.throttle_events = throttles.current();
        } else {
            rates.requests.units_per_second *= local_share;
            rates.tokens.units_per_second *= local_share;
            answer = fallback.reserve_at(cost, rates, max_wait, local_quota_store::now_us());
            answer.throttle_events = throttles.from_fallback(answer.throttle_events);
        }
        answer.shared = false;
        answer.note = std::move(note);
        return answer;
    }

    net::any_io_executor executor;
    std::shared_ptr<redis_client> client;
    redis_quota_keys keys;
    local_quota_store fallback;
    bool fail_without_redis;
    double local_share;
    std::string note_suffix;
    throttle_total throttles;
};

namespace {

net::awaitable<quota_reservation> reserve_in(std::shared_ptr<redis_store_state> s, quota_cost cost,
                                             quota_rates rates,
                                             std::chrono::microseconds max_wait) {
    if (!s->client->ready())
        co_return s->without_redis(s->client->failure(), cost, rates, max_wait);
    auto [ec, reply] = co_await s->run_script([&](bool by_source) {
        return admission_command(s->keys, cost, rates, max_wait, by_source);
    });
    if (ec)
        co_return s->without_redis(s->client->failure(), cost, rates, max_wait);
    quota_reservation answer;
    if (!read_admission_reply(*reply, answer)) {
        // An error reply, often the echo of what ended the connection (a refused AUTH).
        const std::string why =
            !s->client->usable() ? s->client->failure()
            : reply->type == REDIS_REPLY_ERROR
                ? "answered the admission script with the error " + printable_reply_text(*reply)
                : "answered the admission script with " + printable_reply_text(*reply);
        co_return s->without_redis(why, cost, rates, max_wait);
    }
    answer.throttle_events = s->throttles.from_redis(answer.throttle_events);
    co_return answer;
}

net::awaitable<void> record_throttle_in(std::shared_ptr<redis_store_state> s) {
    if (s->client->ready()) {
        auto [ec, reply] = co_await s->run_script(
            [&](bool by_source) { return throttle_command(s->keys, by_source); });
        if (!ec && reply->type == REDIS_REPLY_INTEGER)
            co_return;
    }
    // Not shared: at least this process's clients of the quota see it.
    co_await s->fallback.record_throttle();
}

} // namespace

redis_quota_store::redis_quota_store(net::any_io_executor ex, const redis_quota_options& options,
                                     const std::string& name)
    : state_(std::make_shared<redis_store_state>(ex, options, name)) {
    state_->client->start();
}

redis_quota_store::~redis_quota_store() {
    close();
}

void redis_quota_store::close() {
    net::dispatch(state_->executor, [client = state_->client] { client->close(); });
}

net::awaitable<quota_reservation> redis_quota_store::reserve(quota_cost cost, quota_rates rates,
                                                             std::chrono::microseconds max_wait) {
    return reserve_in(state_, cost, rates, max_wait);
}

net::awaitable<void> redis_quota_store::record_throttle() {
    return record_throttle_in(state_);
}

} // namespace rerank::detail
