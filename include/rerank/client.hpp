// The rerank client: `co_await client.rerank(req)` or `async_rerank(req, token)`.
#pragma once

#include <rerank/client_options.hpp>
#include <rerank/diagnostics.hpp>
#include <rerank/error.hpp>
#include <rerank/pool_stats.hpp>
#include <rerank/request.hpp>
#include <rerank/response.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string_view>

namespace rerank {

namespace detail {
class client_impl;
}

/// A client of one rerank API (one base URL). Cheap to share: one client serves any number of
/// concurrent calls through its pool of keep-alive connections.
///
/// Thread safety: every member function may be called concurrently from any thread; the client
/// runs its work on an internal strand of the executor given at construction. Completion
/// handlers run on the executor associated with the handler (for `use_awaitable`: the
/// coroutine's), never inside the initiating call.
///
/// Lifetime: destroying the client (or calling `cancel()`) completes every call in flight
/// promptly with `errc::cancelled`; it is safe to destroy it while calls are pending.
class client {
public:
    /// The type of the executor the client is created on (`get_executor()`).
    using executor_type = boost::asio::any_io_executor;
    /// What `async_rerank` completes with.
    using handler_signature = void(error_code, response);

    /// Creates a client. Nothing is connected until the first call. Invalid options (a base URL
    /// that is not http(s), an API key over plain HTTP off loopback without
    /// `client_options::allow_insecure_http`, a control character in the API key, an unreadable
    /// CA file) are reported by every call as `errc::invalid_request` with diagnostics.
    explicit client(executor_type ex, client_options opts = {});
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;
    /// Takes over `other`'s connections and calls in flight; `other` may then only be
    /// destroyed or assigned to.
    client(client&& other) noexcept;
    /// Cancels this client's calls in flight (as the destructor does) and takes over `other`'s
    /// connections and calls.
    client& operator=(client&& other) noexcept;

    /// The executor given at construction.
    executor_type get_executor() const noexcept;
    /// The options given at construction.
    const client_options& options() const noexcept;

    /// Ranks `req.documents` by relevance to `req.query`.
    ///
    /// Handler signature: `void(rerank::error_code, rerank::response)`; on error the response
    /// is empty and `diag` says what the server said (status, code, message, request id).
    /// Cancellation: terminal, partial and total cancellation through the token's cancellation
    /// slot are supported at every stage (queued for a connection, connecting, TLS handshake,
    /// writing, reading, backoff); the call then fails with `errc::cancelled` and the connection
    /// it was using is closed, never reused.
    /// Errors: `errc::invalid_request` (nothing sent), HTTP errors classified by status and
    /// provider code, `bad_response`, `timeout` (the call's deadline, `request::timeout` or
    /// `client_options::timeout`), `tls_failure`, `connection_failed`, `cancelled`.
    /// Lifetimes: `req` and `diag` must stay valid until the handler is called; the response's
    /// `result::document` views refer to `req.documents`.
    template <BOOST_ASIO_COMPLETION_TOKEN_FOR(handler_signature) CompletionToken>
    auto async_rerank(const request& req, diagnostics& diag, CompletionToken&& token) {
        return boost::asio::async_initiate<CompletionToken, handler_signature>(initiation{this},
                                                                               token, &req, &diag);
    }

    /// As above, without diagnostics (the error code alone says what class of failure).
    template <BOOST_ASIO_COMPLETION_TOKEN_FOR(handler_signature) CompletionToken>
    auto async_rerank(const request& req, CompletionToken&& token) {
        return boost::asio::async_initiate<CompletionToken, handler_signature>(
            initiation{this}, token, &req, static_cast<diagnostics*>(nullptr));
    }

    /// Coroutine convenience: returns the response or throws `rerank::error_with_diagnostics` (a
    /// `boost::system::system_error` carrying the diagnostics).
    boost::asio::awaitable<response> rerank(const request& req);

    /// Completes every call in flight with `errc::cancelled` and closes idle connections.
    /// The client stays usable for new calls.
    void cancel();

    /// A snapshot of the connection pools' counters (summed over endpoints).
    pool_stats stats() const;

    /// The limits this client plans calls to `model` under (empty: the client's model):
    /// `client_options::limits`, else `limits::for_model`, lowered to what the server stated
    /// when it refused a request as too large ("Range of input length should be [1, 30000]",
    /// "... larger than 500"). A refused request is split and sent again within its call's
    /// deadline; a limit it stated holds for this client's later calls to that model, so a
    /// job pays for the discovery once (`pool_stats::limits_learned` counts adoptions).
    limits limits_for(std::string_view model = {}) const;

private:
    struct initiation {
        client* self;
        template <class Handler>
        void operator()(Handler&& handler, const request* req, diagnostics* diag) const {
            self->start_rerank(*req, diag,
                               boost::asio::any_completion_handler<handler_signature>(
                                   std::forward<Handler>(handler)));
        }
    };

    void start_rerank(const request& req, diagnostics* diag,
                      boost::asio::any_completion_handler<handler_signature> handler);

    std::shared_ptr<detail::client_impl> impl_;
};

} // namespace rerank
