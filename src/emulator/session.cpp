#include "emulator/session.hpp"

#include "emulator/answer.hpp"
#include "emulator/connection_io.hpp"
#include "emulator/errors.hpp"
#include "emulator/evaluate.hpp"
#include "emulator/gzip_reply.hpp"
#include "emulator/request_id.hpp"
#include "emulator/routes.hpp"
#include "emulator/wire.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <optional>
#include <string>

namespace rerank::emulator::detail {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using namespace std::chrono_literals;

// Generous bounds on phases the client controls, so a silent client cannot pin a session.
constexpr auto handshake_limit = 10s;
constexpr auto drain_limit = 5s;

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
    asio::steady_timer timer(co_await asio::this_coro::executor, d);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

// Whether the answer is the normal one (perhaps mangled in delivery): only those count
// against the quota, the others being the fault's own.
bool answers_normally(fault::kind k) noexcept {
    return k != fault::kind::status && k != fault::kind::malformed_json &&
           k != fault::kind::wrong_results;
}

header_fields fields_of(const http::request<http::string_body>& req) {
    header_fields fields;
    for (const auto& f : req)
        fields.emplace_back(std::string(f.name_string()), std::string(f.value()));
    return fields;
}

class session {
public:
    session(std::shared_ptr<server_state> state, std::unique_ptr<connection_io> io,
            std::uint64_t id)
        : state_(std::move(state))
        , opts_(state_->opts)
        , io_(std::move(io))
        , id_(id) {
        state_->stats.connection_opened();
    }
    ~session() { state_->stats.connection_closed(); }
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    asio::awaitable<void> run() {
        if (co_await io_->handshake(handshake_limit)) {
            io_->close_abruptly();
            co_return;
        }
        boost::beast::flat_buffer buffer;
        for (std::size_t n = 0;; ++n) {
            request_parser parser;
            parser.body_limit(opts_.max_body_bytes);
            parser.header_limit(64 * 1024);
            const error_code ec =
                co_await io_->read_request(buffer, parser, opts_.idle_close_after);
            if (ec == http::error::body_limit) {
                co_await refuse_oversized(parser.get());
                co_return;
            }
            if (ec) {
                // End of stream, idle timeout, or not HTTP: nothing to answer.
                io_->close_abruptly();
                co_return;
            }
            if (!co_await serve(parser.get(), n))
                co_return;
        }
    }

private:
    // Answers one request; false when the connection is over (and already closed).
    asio::awaitable<bool> serve(http::request<http::string_body>& req, std::size_t n) {
        header_fields headers = fields_of(req);
        const std::string_view target(req.target().data(), req.target().size());
        const std::string_view method(req.method_string().data(), req.method_string().size());
        request_view view{method, target, find_header(headers, "Authorization"), req.body()};
        evaluation ev;
        evaluate(opts_, view, ev);

        request_info info;
        info.sequence = state_->next_sequence++;
        info.connection_id = id_;
        info.request_on_connection = n;
        info.method = method;
        info.target = target;
        info.dialect = ev.route;
        info.headers = &headers;
        info.body = req.body();
        if (ev.call_parsed) {
            info.query = ev.call.query;
            info.document_count = ev.call.documents.size();
        }
        const fault f = state_->faults.next(info);

        const std::optional<std::string_view> accept_encoding =
            find_header(headers, "Accept-Encoding");
        const bool gzip =
            opts_.compress_responses && accept_encoding && accepts_gzip(*accept_encoding);
        if (f.what != fault::kind::none || f.delay_before.count() > 0)
            state_->stats.fault_applied();
        state_->stats.request_received(path_of(target),
                                       recorded_request{std::string(method), std::string(target),
                                                        std::move(headers), std::move(req.body())});
        const std::string request_id = make_request_id();
        const bool keep_alive = req.keep_alive() && (opts_.close_after_responses == 0 ||
                                                     responses_ + 1 < opts_.close_after_responses);

        if (f.delay_before.count() > 0)
            co_await sleep_for(f.delay_before);

        if (f.what == fault::kind::drop) {
            io_->close_abruptly();
            co_return false;
        }
        if (f.what == fault::kind::stall) {
            // Only the client going away (or the server stopping) ends this.
            while (!co_await io_->read_some_and_discard(0ms)) {
            }
            io_->close_abruptly();
            co_return false;
        }
        // (Replies are locals, never temporaries inside a co_await expression: GCC 12 destroys
        // some of those twice.)
        const std::optional<quota_admission> refusal = throttle(f, ev);
        reply r = reply_for(f, ev, request_id);
        if (refusal)
            add_retry_after(r, *refusal);
        if (gzip)
            gzip_reply(r); // before any fault cuts or drips it, as a server's gzip would be
        if (f.what == fault::kind::reset_mid_body || f.what == fault::kind::truncated_body) {
            co_await send_partial(r, f);
            co_return false;
        }
        if (f.what == fault::kind::slow_drip)
            co_return co_await send_dripping(r, keep_alive, f);
        co_return co_await send(r, keep_alive);
    }

    // Books a request that would be ranked in the server's quota; when the quota refuses it,
    // turns its answer into the throttling 429 and says how long it would have had to wait.
    std::optional<quota_admission> throttle(const fault& f, evaluation& ev) {
        if (!state_->quota.enabled() || ev.error || !answers_normally(f.what))
            return std::nullopt;
        const quota_admission a = state_->quota.admit(ev.tokens, rate_gate::clock::now());
        if (a.verdict == quota_verdict::admitted)
            return std::nullopt;
        ev.error = throttled(ev.dialect, a.verdict == quota_verdict::tokens_exceeded);
        state_->stats.throttled();
        return a;
    }

    void add_retry_after(reply& r, const quota_admission& refusal) const {
        if (!opts_.throttle_retry_after)
            return;
        std::chrono::milliseconds hint = *opts_.throttle_retry_after;
        if (hint.count() == 0)
            hint = std::chrono::ceil<std::chrono::milliseconds>(refusal.retry_after);
        r.headers.emplace_back("retry-after-ms", std::to_string(hint.count()));
    }

    // The response a fault sends (the normal one for faults that only mangle its delivery).
    reply reply_for(const fault& f, const evaluation& ev, std::string_view request_id) const {
        switch (f.what) {
        case fault::kind::status:
            return reply{f.status_code, f.content_type, f.headers, f.body};
        case fault::kind::malformed_json:
            return malformed_json_reply(opts_, ev, f.body, request_id);
        case fault::kind::wrong_results:
            return wrong_results_reply(opts_, ev, f.inconsistency, request_id);
        default:
            return normal_reply(opts_, ev, request_id);
        }
    }

    asio::awaitable<bool> send(const reply& r, bool keep_alive) {
        const wire_message message = to_wire(r, keep_alive);
        state_->stats.response_started(r.status);
        if (co_await io_->write(message.bytes)) {
            io_->close_abruptly();
            co_return false;
        }
        co_return co_await after_response(keep_alive);
    }

    asio::awaitable<bool> after_response(bool keep_alive) {
        ++responses_;
        if (keep_alive)
            co_return true;
        co_await io_->close_gracefully();
        co_return false;
    }

    // The header and part of the body, then a reset (RST) or an end of stream (FIN).
    asio::awaitable<void> send_partial(const reply& r, const fault& f) {
        const wire_message message = to_wire(r, true);
        const std::size_t body_bytes = f.partial_body_bytes == fault::half
                                           ? message.body_size() / 2
                                           : std::min(f.partial_body_bytes, message.body_size());
        state_->stats.response_started(r.status);
        const std::string_view bytes(message.bytes.data(), message.header_size + body_bytes);
        const error_code ec = co_await io_->write(bytes);
        if (!ec && f.what == fault::kind::reset_mid_body) {
            // Give the bytes a moment to leave before the RST, which discards unsent data.
            co_await sleep_for(20ms);
            io_->reset();
        } else {
            io_->close_abruptly();
        }
    }

    asio::awaitable<bool> send_dripping(const reply& r, bool keep_alive, const fault& f) {
        const wire_message message = to_wire(r, keep_alive);
        const std::size_t piece = std::max<std::size_t>(f.drip_bytes, 1);
        state_->stats.response_started(r.status);
        const std::string_view bytes = message.bytes;
        for (std::size_t at = 0; at < bytes.size(); at += piece) {
            if (at > 0)
                co_await sleep_for(f.drip_interval);
            if (co_await io_->write(bytes.substr(at, piece))) {
                io_->close_abruptly();
                co_return false;
            }
        }
        co_return co_await after_response(keep_alive);
    }

    // 413 for a body over the limit: answered in the dialect of the path, then the rest of the
    // upload is drained (a close with unread data would reset the connection and the client
    // might never see the answer).
    asio::awaitable<void> refuse_oversized(const http::request<http::string_body>& req) {
        const std::string_view target(req.target().data(), req.target().size());
        state_->stats.request_received(
            path_of(target), recorded_request{std::string(req.method_string()), std::string(target),
                                              fields_of(req), std::string()});
        const rerank::dialect d = error_dialect_of(served_dialect(opts_.dialect), target);
        const api_error refusal = body_too_large(d, opts_.max_body_bytes);
        const reply r{413, refusal.content_type, {}, error_body(d, refusal, make_request_id())};
        state_->stats.response_started(r.status);
        const wire_message message = to_wire(r, false);
        if (!co_await io_->write(message.bytes)) {
            const auto deadline = std::chrono::steady_clock::now() + drain_limit;
            while (std::chrono::steady_clock::now() < deadline &&
                   !co_await io_->read_some_and_discard(1s)) {
            }
        }
        io_->close_abruptly();
    }

    std::shared_ptr<server_state> state_;
    const options& opts_;
    std::unique_ptr<connection_io> io_;
    std::uint64_t id_;
    std::size_t responses_ = 0;
};

} // namespace

asio::awaitable<void> serve_connection(std::shared_ptr<server_state> state,
                                       asio::ip::tcp::socket socket, std::uint64_t connection_id) {
    std::unique_ptr<connection_io> io =
        state->tls ? make_tls_io(std::move(socket), *state->tls) : make_plain_io(std::move(socket));
    session s(std::move(state), std::move(io), connection_id);
    co_await s.run();
}

} // namespace rerank::emulator::detail
