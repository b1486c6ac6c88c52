// A scripted raw HTTP server for the transport tests: plain TCP or TLS through OpenSSL memory
// BIOs, so that a test decides what goes into every TLS record and every TCP write.
#pragma once

#include "support/emulator_fixture.hpp"

#include <rerank/client_options.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rerank::test::scripted {

namespace net = boost::asio;
using net::as_tuple;
using net::use_awaitable;
using net::ip::tcp;
using namespace std::chrono_literals;

// ---- The server's end of one connection ----------------------------------------------------

/// What every connection of a server adds to.
struct server_log {
    std::size_t accepted = 0;
    std::vector<std::string> request_lines;
    int key_updates_from_client = 0; ///< KeyUpdate messages the server has read
    int client_hellos = 0;           ///< ClientHello messages read (a renegotiation adds one)
    int renegotiations_refused = 0;  ///< no_renegotiation alerts read from the client
    int resumed_handshakes = 0, full_handshakes = 0;
};

inline void count_messages(int write_p, int, int content_type, const void* buf, std::size_t len,
                           SSL*, void* arg) {
    auto& log = *static_cast<server_log*>(arg);
    const auto* bytes = static_cast<const unsigned char*>(buf);
    if (write_p || len == 0)
        return;
    if (content_type == SSL3_RT_HANDSHAKE && bytes[0] == SSL3_MT_KEY_UPDATE)
        ++log.key_updates_from_client;
    if (content_type == SSL3_RT_HANDSHAKE && bytes[0] == SSL3_MT_CLIENT_HELLO)
        ++log.client_hellos;
    if (content_type == SSL3_RT_ALERT && len == 2 && bytes[1] == SSL_AD_NO_RENEGOTIATION)
        ++log.renegotiations_refused;
}

/// Thrown by a peer when the client has closed or reset the connection: the script is over.
struct peer_gone {};

/// Plain TCP, or TLS through OpenSSL memory BIOs: the script decides what goes into each TLS
/// record (one SSL_write, at most 16 KiB a record) and each TCP write (one send, no Nagle).
/// Every operation throws `peer_gone` when the connection fails.
class peer {
public:
    peer(tcp::socket socket, SSL_CTX* tls, server_log& log)
        : socket_(std::move(socket))
        , log_(log) {
        socket_.set_option(tcp::no_delay(true));
        if (!tls)
            return;
        ssl_ = SSL_new(tls);
        BIO* in = BIO_new(BIO_s_mem());
        BIO_set_mem_eof_return(in, -1); // empty means "wait for more", not end of stream
        SSL_set_bio(ssl_, in, BIO_new(BIO_s_mem()));
        SSL_set_accept_state(ssl_);
        SSL_set_msg_callback(ssl_, count_messages);
        SSL_set_msg_callback_arg(ssl_, &log_);
    }
    ~peer() {
        if (ssl_)
            SSL_free(ssl_);
    }
    peer(const peer&) = delete;
    peer& operator=(const peer&) = delete;

    SSL* ssl() const noexcept { return ssl_; }

    net::awaitable<void> handshake() {
        while (ssl_) {
            ERR_clear_error();
            const int ret = SSL_do_handshake(ssl_);
            co_await flush();
            if (ret == 1) {
                ++(SSL_session_reused(ssl_) ? log_.resumed_handshakes : log_.full_handshakes);
                break;
            }
            if (SSL_get_error(ssl_, ret) != SSL_ERROR_WANT_READ)
                throw peer_gone{};
            co_await fill();
        }
    }

    /// TLS 1.2: asks the client to renegotiate (a HelloRequest) and carries the renegotiation
    /// through. Throws `peer_gone` when the client refuses (this server then fails the
    /// connection, as OpenSSL does on a no_renegotiation alert).
    net::awaitable<void> renegotiate() {
        BOOST_TEST_REQUIRE(SSL_renegotiate(ssl_) == 1);
        ERR_clear_error();
        SSL_do_handshake(ssl_); // writes the HelloRequest
        co_await flush();
        while (SSL_renegotiate_pending(ssl_) == 1) {
            co_await fill();
            ERR_clear_error();
            char byte;
            std::size_t n = 0;
            const int ret = SSL_read_ex(ssl_, &byte, 1, &n); // carries the handshake on
            co_await flush();
            if (ret != 1 && SSL_get_error(ssl_, ret) != SSL_ERROR_WANT_READ)
                throw peer_gone{};
        }
    }

    /// TLS 1.3: sends `n` session tickets now (with SSL_CTX_set_num_tickets(0), the only ones).
    net::awaitable<void> send_tickets(int n) {
        for (int i = 0; i < n; ++i)
            BOOST_TEST_REQUIRE(SSL_new_session_ticket(ssl_) == 1);
        BOOST_TEST_REQUIRE(SSL_do_handshake(ssl_) == 1);
        co_await flush();
    }

    /// Reads one request (head and Content-Length body) and logs its first line.
    net::awaitable<void> read_request() {
        std::size_t head_end;
        while ((head_end = input_.find("\r\n\r\n")) == std::string::npos)
            co_await read_some();
        head_end += 4;
        const std::size_t total = head_end + content_length(input_.substr(0, head_end));
        while (input_.size() < total)
            co_await read_some();
        log_.request_lines.push_back(input_.substr(0, input_.find("\r\n")));
        last_body_.assign(input_, head_end, total - head_end);
        input_.erase(0, total);
    }

    /// The body of the request `read_request` read last.
    const std::string& request_body() const noexcept { return last_body_; }

    /// One TCP write, or one SSL_write and its records in one TCP write.
    net::awaitable<void> send(std::string_view bytes) {
        if (!ssl_) {
            co_await write_socket(bytes);
            co_return;
        }
        std::size_t written = 0;
        if (SSL_write_ex(ssl_, bytes.data(), bytes.size(), &written) != 1)
            throw peer_gone{};
        co_await flush();
    }

    /// `bytes` in pieces whose sizes cycle through `sizes`, each sent on its own after `gap`.
    net::awaitable<void> send_pieces(std::string_view bytes, std::span<const std::size_t> sizes,
                                     std::chrono::microseconds gap) {
        for (std::size_t i = 0; !bytes.empty(); ++i) {
            const std::size_t n = std::min(sizes[i % sizes.size()], bytes.size());
            if (i != 0)
                co_await pause(gap);
            co_await send(bytes.substr(0, n));
            bytes.remove_prefix(n);
        }
    }

    /// A TLS 1.3 KeyUpdate asking the client to update its keys too, sent on its own.
    net::awaitable<void> key_update() {
        const bool written =
            SSL_key_update(ssl_, SSL_KEY_UPDATE_REQUESTED) == 1 && SSL_do_handshake(ssl_) == 1;
        BOOST_TEST_REQUIRE(written);
        BOOST_TEST(SSL_get_key_update_type(ssl_) == SSL_KEY_UPDATE_NONE); // no longer pending
        co_await flush();
    }

    net::awaitable<void> close_notify() {
        BOOST_TEST_REQUIRE(SSL_shutdown(ssl_) >= 0);
        co_await flush();
    }

    /// Ends the byte stream (FIN) while still reading: nothing the client sends is refused.
    void end_stream() {
        error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_send, ignored);
    }

    /// Reads and drops whatever comes until the client closes (and so never returns).
    net::awaitable<void> drain() {
        for (;;) {
            co_await read_some();
            input_.clear();
        }
    }

    /// Closes at once: with unread input, the client gets a reset.
    void close() {
        error_code ignored;
        socket_.close(ignored);
    }

    net::awaitable<void> wait_readable() {
        co_await socket_.async_wait(tcp::socket::wait_read, as_tuple(use_awaitable));
    }

    net::awaitable<void> pause(std::chrono::microseconds d) {
        net::steady_timer timer(socket_.get_executor(), d);
        co_await timer.async_wait(as_tuple(use_awaitable));
    }

private:
    static std::size_t content_length(std::string head) {
        std::transform(head.begin(), head.end(), head.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        const std::size_t at = head.find("\r\ncontent-length:");
        return at == std::string::npos ? 0 : std::stoul(head.substr(at + 17));
    }

    // Appends what arrives (decrypted) to input_.
    net::awaitable<void> read_some() {
        char buf[16 * 1024];
        if (!ssl_) {
            auto [ec, n] =
                co_await socket_.async_read_some(net::buffer(buf), as_tuple(use_awaitable));
            if (ec)
                throw peer_gone{};
            input_.append(buf, n);
            co_return;
        }
        for (;;) {
            ERR_clear_error();
            std::size_t n = 0;
            const int ret = SSL_read_ex(ssl_, buf, sizeof buf, &n);
            if (ret == 1) {
                input_.append(buf, n);
                co_return;
            }
            const int err = SSL_get_error(ssl_, ret);
            co_await flush();
            if (err != SSL_ERROR_WANT_READ)
                throw peer_gone{};
            co_await fill();
        }
    }

    net::awaitable<void> fill() {
        char buf[16 * 1024];
        auto [ec, n] = co_await socket_.async_read_some(net::buffer(buf), as_tuple(use_awaitable));
        if (ec)
            throw peer_gone{};
        BIO_write(SSL_get_rbio(ssl_), buf, static_cast<int>(n));
    }

    // Sends what OpenSSL has written to the memory BIO, in one TCP write.
    net::awaitable<void> flush() {
        std::string out;
        BIO* bio = SSL_get_wbio(ssl_);
        char buf[16 * 1024];
        for (int n; (n = BIO_read(bio, buf, sizeof buf)) > 0;)
            out.append(buf, static_cast<std::size_t>(n));
        if (!out.empty())
            co_await write_socket(out);
    }

    net::awaitable<void> write_socket(std::string_view bytes) {
        auto [ec, n] =
            co_await net::async_write(socket_, net::buffer(bytes), as_tuple(use_awaitable));
        if (ec)
            throw peer_gone{};
    }

    tcp::socket socket_;
    server_log& log_;
    SSL* ssl_ = nullptr;
    std::string input_;
    std::string last_body_;
};

// ---- The server ----------------------------------------------------------------------------

using script = std::function<net::awaitable<void>(peer&, std::size_t)>;

struct server_state {
    server_state(net::io_context& ioc, script s)
        : acceptor(ioc)
        , run(std::move(s)) {}
    tcp::acceptor acceptor;
    std::unique_ptr<net::ssl::context> tls;
    script run;
    server_log log;
};

inline void rethrow_failure(std::exception_ptr e) {
    if (e)
        std::rethrow_exception(e); // out of io_context::run: the test fails
}

inline net::awaitable<void> serve(std::shared_ptr<server_state> s, tcp::socket socket,
                                  std::size_t number) {
    peer p(std::move(socket), s->tls ? s->tls->native_handle() : nullptr, s->log);
    try {
        co_await p.handshake();
        co_await s->run(p, number);
    } catch (const peer_gone&) {
    }
    p.close();
}

inline net::awaitable<void> accept_loop(std::shared_ptr<server_state> s) {
    for (;;) {
        auto [ec, socket] = co_await s->acceptor.async_accept(as_tuple(use_awaitable));
        if (ec)
            co_return;
        net::co_spawn(s->acceptor.get_executor(), serve(s, std::move(socket), s->log.accepted++),
                      rethrow_failure);
    }
}

/// Listens on 127.0.0.1, port 0, and runs `script(peer, connection number)` on every
/// connection it accepts (after the TLS handshake, TLS 1.3 only). An exception out of a script
/// other than `peer_gone` fails the test from the io_context's run loop.
class scripted_server {
public:
    /// `tls_setup`, when given, adjusts the TLS context last (another certificate, other
    /// protocol versions).
    scripted_server(net::io_context& ioc, bool tls, script run,
                    const std::function<void(SSL_CTX*)>& tls_setup = {})
        : state_(std::make_shared<server_state>(ioc, std::move(run))) {
        auto& acceptor = state_->acceptor;
        acceptor.open(tcp::v4());
        acceptor.bind({net::ip::make_address("127.0.0.1"), 0});
        acceptor.listen();
        if (tls) {
            auto ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
            ctx->use_certificate_chain_file(cert_path("server.pem"));
            ctx->use_private_key_file(cert_path("server.key"), net::ssl::context::pem);
            SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_3_VERSION);
            if (tls_setup)
                tls_setup(ctx->native_handle());
            state_->tls = std::move(ctx);
        }
        net::co_spawn(ioc, accept_loop(state_), rethrow_failure);
    }
    ~scripted_server() { stop(); }
    scripted_server(const scripted_server&) = delete;
    scripted_server& operator=(const scripted_server&) = delete;

    /// Stops accepting (connections in progress run on). Every test body ends with it, so
    /// that the io_context runs out of work.
    void stop() {
        error_code ignored;
        state_->acceptor.close(ignored);
    }

    const server_log& log() const noexcept { return state_->log; }
    unsigned short port() const { return state_->acceptor.local_endpoint().port(); }

    /// Options for a client of this server: the test CA, no retries, a 20 s deadline.
    client_options options_for_client() const {
        client_options opts;
        opts.base_url = std::string(state_->tls ? "https" : "http") +
                        "://127.0.0.1:" + std::to_string(port()) + "/compatible-api/v1";
        opts.api_key = "sk-transport-test";
        opts.tls.ca_file = cert_path("ca.pem");
        opts.tls.use_system_trust_store = false;
        opts.timeout = 20s;
        opts.retry.max_attempts = 1;
        return opts;
    }

private:
    std::shared_ptr<server_state> state_;
};

} // namespace rerank::test::scripted
