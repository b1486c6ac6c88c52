#include "examples/http_post.hpp"

#include "support/io_fixture.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace rerank::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using net::as_tuple;
using net::use_awaitable;

namespace {

http::request<http::string_body> make_post(const std::string& target, const std::string& body,
                                           const header_list& headers) {
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, "application/json");
    for (const auto& [name, value] : headers)
        req.set(name, value);
    req.body() = body;
    req.prepare_payload();
    return req;
}

// hang_up: instead of reading the answer, call it and close the connection.
net::awaitable<void> exchange(unsigned short port, http::request<http::string_body> req,
                              std::chrono::milliseconds limit, const std::function<void()>* hang_up,
                              http_reply& out) {
    beast::tcp_stream stream(co_await net::this_coro::executor);
    stream.expires_after(limit);
    auto [connect_ec] = co_await stream.async_connect(
        net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port), as_tuple(use_awaitable));
    if (connect_ec) {
        out.error = "connect: " + connect_ec.message();
        co_return;
    }
    auto [write_ec, written] = co_await http::async_write(stream, req, as_tuple(use_awaitable));
    if (write_ec) {
        out.error = "write: " + write_ec.message();
        co_return;
    }
    if (hang_up) {
        (*hang_up)();
        beast::error_code ignored;
        stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
        stream.close();
        co_return;
    }
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    auto [read_ec, read] = co_await http::async_read(stream, buffer, res, as_tuple(use_awaitable));
    if (read_ec) {
        out.error = "read: " + read_ec.message();
        co_return;
    }
    out.status = res.result_int();
    out.body = std::move(res.body());
}

// Runs every exchange at once with io_fixture (a fresh io_context; the test fails if they hang
// past `limit` or leave work behind); the replies in the requests' order. Each exchange's own
// `limit` expires first and becomes its reply's error.
std::vector<http_reply> run_all(unsigned short port,
                                std::vector<http::request<http::string_body>> requests,
                                std::chrono::milliseconds limit,
                                const std::function<void()>* hang_up = nullptr) {
    std::vector<http_reply> replies(requests.size());
    io_fixture().run(
        [&]() -> net::awaitable<void> {
            const auto executor = co_await net::this_coro::executor;
            std::size_t running = requests.size();
            std::exception_ptr failure;
            // Cancelled when the last exchange ends: what this coroutine waits on.
            net::steady_timer all_done(executor, net::steady_timer::time_point::max());
            for (std::size_t i = 0; i < requests.size(); ++i)
                net::co_spawn(executor,
                              exchange(port, std::move(requests[i]), limit, hang_up, replies[i]),
                              [&](std::exception_ptr e) {
                                  if (e && !failure)
                                      failure = e;
                                  if (--running == 0)
                                      all_done.cancel();
                              });
            if (running != 0)
                co_await all_done.async_wait(as_tuple(use_awaitable));
            if (failure)
                std::rethrow_exception(failure);
        },
        limit + std::chrono::seconds(5));
    return replies;
}

} // namespace

http_reply http_post(unsigned short port, const std::string& target, const std::string& body,
                     const header_list& headers, std::chrono::milliseconds limit) {
    std::vector<http::request<http::string_body>> one;
    one.push_back(make_post(target, body, headers));
    return run_all(port, std::move(one), limit).front();
}

std::vector<http_reply> http_post_concurrently(unsigned short port, const std::string& target,
                                               const std::vector<std::string>& bodies,
                                               std::chrono::milliseconds limit) {
    std::vector<http::request<http::string_body>> requests;
    for (const auto& body : bodies)
        requests.push_back(make_post(target, body, {}));
    return run_all(port, std::move(requests), limit);
}

http_reply http_get(unsigned short port, const std::string& target,
                    std::chrono::milliseconds limit) {
    http::request<http::string_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    std::vector<http::request<http::string_body>> one;
    one.push_back(std::move(req));
    return run_all(port, std::move(one), limit).front();
}

void http_post_and_hang_up(unsigned short port, const std::string& target, const std::string& body,
                           const std::function<void()>& before_hang_up) {
    std::vector<http::request<http::string_body>> one;
    one.push_back(make_post(target, body, {}));
    run_all(port, std::move(one), std::chrono::seconds(5), &before_hang_up);
}

} // namespace rerank::test
