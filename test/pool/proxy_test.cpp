// The client through HTTP proxies: Debian's tinyproxy (CONNECT tunnels with TLS to the emulator
// inside, absolute-form plain HTTP, Basic proxy auth, refusals), the environment's proxy and
// no_proxy, a proxy that is down, and a scripted proxy that cuts a tunnel mid-response.
#include "pool/pool_support.hpp"
#include "pool/tinyproxy_harness.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <cstdlib>

using namespace rerank;
using namespace rerank::test;
using namespace std::chrono_literals;
namespace net = boost::asio;
using net::as_tuple;
using net::use_awaitable;
using tcp = net::ip::tcp;

namespace {

client_options through(const emulator::server& server, const std::string& proxy_url) {
    client_options opts = quick_retry_options(server);
    opts.proxy = proxy_options::through(proxy_url);
    return opts;
}

// One attempt through `proxy_url`, expected to fail to connect: its diagnostics.
net::awaitable<diagnostics> failed_attempt(net::io_context& ioc, const emulator::server& server,
                                           const std::string& proxy_url) {
    client_options opts = through(server, proxy_url);
    opts.retry.max_attempts = 1;
    client c(ioc.get_executor(), opts);
    auto out = co_await call(c, sample_request());
    BOOST_TEST((out.ec == errc::connection_failed), out.ec.message());
    co_return out.diag;
}

bool mentions(const diagnostics& diag, const std::string& text) {
    return diag.to_string().find(text) != std::string::npos;
}

// Sets environment variables for one test and restores them afterwards.
class environment_guard {
public:
    void set(const char* name, const std::string& value) {
        const char* old = std::getenv(name);
        saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
        ::setenv(name, value.c_str(), 1);
    }
    ~environment_guard() {
        for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
            if (it->second)
                ::setenv(it->first, it->second->c_str(), 1);
            else
                ::unsetenv(it->first);
        }
    }

private:
    std::vector<std::pair<const char*, std::optional<std::string>>> saved_;
};

// A proxy of the test's own. With an `answer`, it reads each CONNECT, sends the answer as it is
// and closes (an empty answer: closes without one; `stall`: never answers). Otherwise it answers
// 200 and relays to the origin port; in the first tunnel, the first piece of the server's bytes
// arriving `cut_after` or more after the tunnel opened (the response, which the emulator delays) is
// relayed half, then both sides are closed.
class scripted_proxy {
public:
    /// An `answer` that makes it never answer, waiting for the client to close.
    static constexpr const char* stall = "(stall)";

    scripted_proxy(net::io_context& ioc, unsigned short origin_port,
                   std::chrono::milliseconds cut_after,
                   std::optional<std::string> answer = std::nullopt)
        : acceptor_(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0))
        , origin_port_(origin_port)
        , cut_after_(cut_after)
        , answer_(std::move(answer)) {
        net::co_spawn(ioc, accept_loop(), net::detached);
    }
    std::string url() const {
        return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
    }
    int tunnels() const { return tunnels_; }
    bool cut() const { return cut_; }
    void stop() {
        error_code ignored;
        acceptor_.close(ignored);
    }

private:
    net::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor_.async_accept(as_tuple(use_awaitable));
            if (ec)
                co_return;
            net::co_spawn(acceptor_.get_executor(), tunnel(std::move(socket), tunnels_++ == 0),
                          net::detached);
        }
    }

    net::awaitable<void> tunnel(tcp::socket client, bool cut_this_one) {
        std::string head;
        auto [ec, n] = co_await net::async_read_until(client, net::dynamic_buffer(head), "\r\n\r\n",
                                                      as_tuple(use_awaitable));
        if (answer_ == stall) {
            char byte;
            co_await client.async_read_some(net::buffer(&byte, 1), as_tuple(use_awaitable));
            co_return; // the client gave up
        }
        if (answer_) {
            if (!ec)
                co_await net::async_write(client, net::buffer(*answer_), as_tuple(use_awaitable));
            co_return; // the socket closes here
        }
        tcp::socket origin(client.get_executor());
        if (!ec)
            std::tie(ec) = co_await origin.async_connect(
                tcp::endpoint(net::ip::make_address("127.0.0.1"), origin_port_),
                as_tuple(use_awaitable));
        if (!ec)
            std::tie(ec, n) = co_await net::async_write(
                client,
                net::buffer(std::string_view("HTTP/1.1 200 Connection established\r\n\r\n")),
                as_tuple(use_awaitable));
        if (ec)
            co_return;
        const auto opened = steady::now();
        net::co_spawn(client.get_executor(), relay(client, origin, {}), net::detached);
        co_await relay(origin, client,
                       cut_this_one ? std::optional(opened + cut_after_) : std::nullopt);
    }

    // Copies `from` to `to` until either side ends, then closes both; with `cut_at`, the first
    // piece read after it goes half and ends the tunnel.
    net::awaitable<void> relay(tcp::socket& from, tcp::socket& to,
                               std::optional<steady::time_point> cut_at) {
        char buffer[16384];
        for (;;) {
            auto [ec, n] =
                co_await from.async_read_some(net::buffer(buffer), as_tuple(use_awaitable));
            if (ec)
                break;
            const bool cutting = cut_at && steady::now() >= *cut_at && n > 1;
            if (cutting)
                n /= 2;
            auto [wec, written] =
                co_await net::async_write(to, net::buffer(buffer, n), as_tuple(use_awaitable));
            if (wec || cutting) {
                cut_ = cut_ || cutting;
                break;
            }
        }
        error_code ignored;
        from.close(ignored);
        to.close(ignored);
    }

    tcp::acceptor acceptor_;
    unsigned short origin_port_;
    std::chrono::milliseconds cut_after_;
    std::optional<std::string> answer_;
    int tunnels_ = 0;
    bool cut_ = false;
};

} // namespace

BOOST_AUTO_TEST_SUITE(proxies)

BOOST_AUTO_TEST_CASE(tls_goes_through_a_connect_tunnel_and_resumes_sessions) {
    emulator::options server_opts = tls_emulator_options();
    server_opts.close_after_responses = 1; // every call opens a connection, resuming a session
    emulator_fixture f(server_opts);
    tinyproxy_harness proxy({f.server.port(), {}, {}});
    f.run([&]() -> net::awaitable<void> {
        client c(f.ioc.get_executor(), through(f.server, proxy.url()));
        for (int i = 0; i < 3; ++i) {
            auto out = co_await call(c, sample_request());
            BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());
            BOOST_TEST(out.res.results.size() == 5u);
        }
        const pool_stats s = c.stats();
        BOOST_TEST(s.connections_created == 3u);
        BOOST_TEST(s.handshakes_full == 1u);
        BOOST_TEST(s.handshakes_resumed == 2u);
    });
    BOOST_TEST(proxy.logged("CONNECT 127.0.0.1:" + std::to_string(f.server.port())));
    BOOST_TEST(f.server.stats().requests == 3u);
}

BOOST_AUTO_TEST_CASE(plain_http_sends_absolute_form_requests_with_proxy_credentials) {
    emulator_fixture f(emulator::options{}); // plain HTTP
    tinyproxy_harness proxy({0, "alice", "s3cret"});
    f.run([&]() -> net::awaitable<void> {
        client c(f.ioc.get_executor(), through(f.server, proxy.url("alice", "s3cret")));
        auto out = co_await call(c, sample_request());
        BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());
        BOOST_TEST(out.res.results.size() == 5u);
    });
    BOOST_TEST(proxy.logged("POST http://127.0.0.1:" + std::to_string(f.server.port())));
}

BOOST_AUTO_TEST_CASE(proxy_auth_is_accepted_and_a_refusal_names_the_status_not_the_password) {
    emulator_fixture f;
    tinyproxy_harness proxy({f.server.port(), "alice", "s3cret"});
    f.run([&]() -> net::awaitable<void> {
        client good(f.ioc.get_executor(), through(f.server, proxy.url("alice", "s3cret")));
        auto out = co_await call(good, sample_request());
        BOOST_TEST(!out.ec, out.diag.to_string());

        const diagnostics diag =
            co_await failed_attempt(f.ioc, f.server, proxy.url("alice", "wr0ng-pass"));
        // tinyproxy answers a CONNECT with bad credentials 401 (other requests: 407).
        BOOST_TEST(mentions(diag, "HTTP 401"), diag.to_string());
        BOOST_TEST(mentions(diag, "proxy http://***@127.0.0.1:"), diag.to_string());
        BOOST_TEST(!mentions(diag, "wr0ng"), diag.to_string());
        BOOST_TEST(!mentions(diag, "alice"), diag.to_string());
    });
    BOOST_TEST(f.server.stats().requests == 1u);
}

BOOST_AUTO_TEST_CASE(a_connect_the_proxy_forbids_is_a_connection_failure_naming_403) {
    emulator_fixture f;
    tinyproxy_harness proxy({static_cast<unsigned short>(f.server.port() == 1 ? 2 : 1), {}, {}});
    f.run([&]() -> net::awaitable<void> {
        const diagnostics diag = co_await failed_attempt(f.ioc, f.server, proxy.url());
        BOOST_TEST(mentions(diag, "refused CONNECT to 127.0.0.1:" +
                                      std::to_string(f.server.port()) + ": HTTP 403"),
                   diag.to_string());
    });
    BOOST_TEST(f.server.stats().requests == 0u);
}

BOOST_AUTO_TEST_CASE(refusals_and_closes_are_connection_failures_naming_what_the_proxy_did) {
    emulator_fixture f;
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n",
         "HTTP 407 Proxy Authentication Required"},
        {"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 3\r\n\r\nbad", "HTTP 502 Bad Gateway"},
        {"HTTP/1.1 200 OK\r\n\r\n\x16\x03", "malformed answer to CONNECT"},
        {"", "closed the connection before answering CONNECT"},
        {"HTTP/1.1 200 OK\r\n" + std::string(20000, 'x'), "too large"},
    };
    for (const auto& [answer, expected] : cases) {
        scripted_proxy proxy(f.ioc, f.server.port(), 0ms, answer);
        f.run([&]() -> net::awaitable<void> {
            const diagnostics diag = co_await failed_attempt(f.ioc, f.server, proxy.url());
            BOOST_TEST(mentions(diag, expected), diag.to_string());
            proxy.stop();
        });
        f.ioc.restart();
    }
    BOOST_TEST(f.server.stats().requests == 0u);
}

BOOST_AUTO_TEST_CASE(a_proxy_that_never_answers_connect_is_bounded_by_connect_timeout) {
    emulator_fixture f;
    scripted_proxy proxy(f.ioc, f.server.port(), 0ms, scripted_proxy::stall);
    f.run([&]() -> net::awaitable<void> {
        client_options opts = through(f.server, proxy.url());
        opts.pool.connect_timeout = 200ms;
        opts.retry.max_attempts = 1;
        client c(f.ioc.get_executor(), opts);
        const auto start = steady::now();
        auto out = co_await call(c, sample_request());
        BOOST_TEST((out.ec == errc::timeout), out.ec.message());
        BOOST_TEST(mentions(out.diag, "CONNECT through proxy http://127.0.0.1:"),
                   out.diag.to_string());
        BOOST_TEST(since(start) < 2s);
        // The call's deadline stops it too.
        opts.pool.connect_timeout = 10s;
        opts.timeout = 300ms;
        client d(f.ioc.get_executor(), opts);
        out = co_await call(d, sample_request());
        BOOST_TEST((out.ec == errc::timeout), out.ec.message());
        BOOST_TEST(since(start) < 3s);
        proxy.stop();
    });
}

BOOST_AUTO_TEST_CASE(the_environment_proxy_is_used_unless_no_proxy_names_the_host) {
    emulator_fixture f;
    tinyproxy_harness proxy({f.server.port(), {}, {}});
    f.run([&]() -> net::awaitable<void> {
        environment_guard env;
        env.set("https_proxy", proxy.url());
        env.set("no_proxy", "");
        env.set("NO_PROXY", "example.com");
        {
            client c(f.ioc.get_executor(), quick_retry_options(f.server));
            auto out = co_await call(c, sample_request());
            BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());
        }
        BOOST_TEST(proxy.logged("CONNECT 127.0.0.1:"));
        // Bypassed: the proxy is stopped, and the call still goes (direct).
        proxy.stop();
        env.set("NO_PROXY", "example.com, 127.0.0.1:9");
        client direct(f.ioc.get_executor(), quick_retry_options(f.server));
        auto out = co_await call(direct, sample_request());
        BOOST_TEST(!out.ec, out.diag.to_string());
        // proxy_mode::none ignores the environment's proxy.
        env.set("NO_PROXY", "");
        client_options opts = quick_retry_options(f.server);
        opts.proxy = proxy_options::none();
        client none(f.ioc.get_executor(), opts);
        out = co_await call(none, sample_request());
        BOOST_TEST(!out.ec, out.diag.to_string());
    });
    BOOST_TEST(f.server.stats().requests == 3u);
}

BOOST_AUTO_TEST_CASE(a_proxy_that_is_down_is_a_connection_failure_naming_it) {
    emulator_fixture f;
    f.run([&]() -> net::awaitable<void> {
        const std::string dead =
            "http://user:pw@127.0.0.1:" + std::to_string(unused_loopback_port());
        client_options opts = through(f.server, dead);
        opts.retry.max_attempts = 2;
        client c(f.ioc.get_executor(), opts);
        const auto start = steady::now();
        auto out = co_await call(c, sample_request());
        BOOST_TEST((out.ec == errc::connection_failed), out.ec.message());
        BOOST_TEST(mentions(out.diag, "proxy http://***@127.0.0.1:"), out.diag.to_string());
        BOOST_TEST(!mentions(out.diag, "pw"), out.diag.to_string());
        BOOST_TEST(out.diag.attempts == 2u);
        BOOST_TEST(since(start) < 5s);
    });
    BOOST_TEST(f.server.stats().requests == 0u);
}

BOOST_AUTO_TEST_CASE(a_tunnel_cut_mid_response_is_retried_on_a_new_tunnel) {
    emulator_fixture f;
    fault_script script;
    script.reset({emulator::fault::delay(300ms)}); // the first response comes late: cut it
    f.server.set_fault_hook(script.hook());
    scripted_proxy proxy(f.ioc, f.server.port(), 200ms);
    f.run([&]() -> net::awaitable<void> {
        client c(f.ioc.get_executor(), through(f.server, proxy.url()));
        auto out = co_await call(c, sample_request());
        BOOST_TEST_REQUIRE(!out.ec, out.diag.to_string());
        BOOST_TEST(out.diag.attempts == 2u);
        BOOST_TEST(proxy.cut());
        BOOST_TEST(proxy.tunnels() == 2);
        proxy.stop();
    });
    BOOST_TEST(script.count() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
