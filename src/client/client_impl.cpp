#include "client/client_impl.hpp"

#include "batch/merge.hpp"
#include "client/rerank_call.hpp"
#include "codec/validate.hpp"
#include "http/tls_context.hpp"
#include "quota/redis_quota_store.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace rerank::detail {

namespace {
namespace net = boost::asio;

// Every socket, timer and coroutine of the client runs on this strand, held as an
// any_io_executor: each asynchronous operation copies it (work tracking) several times. A strand
// over an io_context's executor fits in any_io_executor's small-object buffer and is copied
// without allocating; a strand over an any_io_executor does not fit, and costs dozens of
// allocations per call. So the io_context case, by far the usual one, gets the concrete strand.
net::any_io_executor make_client_strand(const net::any_io_executor& ex) {
    if (const auto* io = ex.target<net::io_context::executor_type>())
        return net::make_strand(*io);
    return net::make_strand(ex);
}

// Native-dialect base URLs already end in /api/v1; the endpoint path follows the base path.
// Plain http through a proxy names the whole URL (absolute form, RFC 9112 3.2.2).
std::string make_request_target(const endpoint& ep, rerank::dialect d, bool absolute) {
    std::string path = ep.base_path + std::string(endpoint_path(d));
    return absolute ? "http://" + ep.host_header + path : path;
}
error_code validate_rate_limits(const rate_limit_options& o, diagnostics& diag) {
    auto refuse = [&](std::string what) {
        diag.client_message = "client_options::rate_limit: " + std::move(what);
        return error_code(errc::invalid_request);
    };
    // (Negated comparisons: NaN fails them all.)
    if (!(o.requests_per_minute >= 0) || !std::isfinite(o.requests_per_minute))
        return refuse("requests_per_minute must be a finite number >= 0 (0: no limit)");
    if (!(o.tokens_per_minute >= 0) || !std::isfinite(o.tokens_per_minute))
        return refuse("tokens_per_minute must be a finite number >= 0 (0: no limit)");
    if (o.burst.count() <= 0)
        return refuse("burst must be positive (default 1 s)");
    // The Redis numbers are checked with or without a URL (a bad local_share is a mistake even
    // while nothing is shared yet).
    const redis_quota_options& r = o.redis;
    redis_endpoint endpoint;
    const error_code ec = r.url.empty() ? check_redis_quota_numbers(r, diag)
                                        : parse_redis_quota_options(r, endpoint, diag);
    if (ec)
        diag.client_message = "client_options::rate_limit.redis: " + diag.client_message;
    return ec;
}

// The options with the dialect's defaults filled in: after this, base_url and model are what the
// client uses (empty only for a dialect without a default) and api_key is set.
client_options with_dialect_defaults(client_options o) {
    if (o.base_url.empty())
        o.base_url = default_base_url(o.dialect);
    if (o.model.empty())
        o.model = default_model(o.dialect);
    if (!o.api_key)
        o.api_key = api_key_from_environment(o.dialect);
    return o;
}

} // namespace

client_impl::client_impl(boost::asio::any_io_executor ex, client_options opts)
    : executor(ex)
    , strand(make_client_strand(ex))
    , options(with_dialect_defaults(std::move(opts)))
    , budget(options.retry.budget_tokens, options.retry.budget_refill)
    , watcher(options.observer.get())
    , scores(options.cache ? &score_cache_access::state(*options.cache) : nullptr)
    , counter(qwen3_token_counter())
    , byte_counter(utf8_byte_token_counter())
    , rng_(std::random_device{}()) {
    if (options.base_url.empty()) {
        config_diag.client_message = "client_options::base_url is empty, and the " +
                                     std::string(to_string(options.dialect)) +
                                     " dialect has no default: give the server's URL";
        config_error = errc::invalid_request;
    }
    if (!config_error)
        config_error = parse_endpoint(options.base_url, target, config_diag);
    if (!config_error)
        config_error = check_key_in_clear(options.base_url, target, !options.api_key->empty(),
                                          options.allow_insecure_http, config_diag);
    if (!config_error)
        config_error = validate_header_value("API key", *options.api_key, config_diag);
    if (!config_error)
        config_error = validate_header_value("workspace", options.workspace, config_diag);
    if (!config_error)
        config_error = validate_header_value("user agent", options.user_agent, config_diag);
    if (!config_error && options.model.empty() && options.dialect != dialect::tei) {
        config_diag.client_message = "client_options::model is empty, and the " +
                                     std::string(to_string(options.dialect)) +
                                     " dialect has no default model: name one";
        config_error = errc::invalid_request;
    }
    if (!config_error)
        config_error = validate_rate_limits(options.rate_limit, config_diag);
    if (!config_error)
        config_error = choose_proxy(
            options.proxy, target,
            [](const char* name) -> const char* { return std::getenv(name); }, proxy, config_diag);
    if (!config_error && target.tls)
        config_error = make_tls_context(options.tls, tls, config_diag);
    if (config_error)
        return;
    const bool absolute_form = proxy && !target.tls;
    if (absolute_form)
        proxy_authorization = proxy->authorization;
    request_target = make_request_target(target, options.dialect, absolute_form);
    std::from_chars(target.port.data(), target.port.data() + target.port.size(), server_port);
    pool =
        std::make_shared<connection_pool>(strand, target, proxy, tls.get(), options.pool, counters);
    const rate_limit_options& pacing = options.rate_limit;
    if (pacing.tokens_per_minute > 0) {
        // Upper bounds overcharge the token quota (ASCII text by about 4x): count exactly.
        counter.upper_bound = nullptr;
        counter.quick_bound = nullptr;
    }
    admission = std::make_unique<pacer>(
        strand, pacing, static_cast<unsigned>(options.pool.max_connections),
        pacing.quota_key.empty() ? default_quota_name(*options.api_key, target.host, options.model)
                                 : pacing.quota_key,
        counters);
}

client_impl::~client_impl() {
    if (planner_)
        planner_->join();
}

rerank::limits client_impl::configured_limits(std::string_view model) const {
    return options.limits ? *options.limits : rerank::limits::for_model(options.dialect, model);
}

const token_counter& client_impl::counter_for(std::string_view model) const {
    return uses_qwen3_tokenizer(options.dialect, model) ? counter : byte_counter;
}

std::pair<rerank::limits, bool> client_impl::limits_for(std::string_view model) const {
    return learned_limits.apply(model, configured_limits(model));
}

boost::asio::thread_pool& client_impl::planner() {
    if (!planner_)
        planner_ = std::make_unique<boost::asio::thread_pool>(1);
    return *planner_;
}

std::unique_ptr<request_buffer> client_impl::take_request_buffer() {
    if (spare_buffers_.empty())
        return std::make_unique<request_buffer>();
    auto buffer = std::move(spare_buffers_.back());
    spare_buffers_.pop_back();
    return buffer;
}

void client_impl::recycle(std::unique_ptr<request_buffer> buffer) {
    // Keep as many as could be in use at once; more would only hold memory.
    if (spare_buffers_.size() < options.pool.max_connections)
        spare_buffers_.push_back(std::move(buffer));
}

void client_impl::remove_call(rerank_call* call) {
    auto it = std::find(calls_.begin(), calls_.end(), call);
    if (it != calls_.end()) {
        *it = calls_.back();
        calls_.pop_back();
    }
}

void client_impl::cancel_all() {
    // Stopping a call may complete it and remove it from calls_: iterate over a copy.
    auto snapshot = calls_;
    for (auto* call : snapshot)
        call->stop(call_control::stop_reason::cancelled);
    if (pool)
        pool->close_idle();
}

} // namespace rerank::detail
