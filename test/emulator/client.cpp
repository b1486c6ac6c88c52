#include "client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <array>
#include <sstream>
#include <tuple>

namespace rerank::emulator::test {
namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
using clock = std::chrono::steady_clock;

std::chrono::milliseconds since(clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start);
}

} // namespace

http::request<http::string_body> post_text(std::string_view target, std::string body,
                                           std::string_view key) {
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, "localhost");
    req.set(http::field::content_type, "application/json");
    if (!key.empty())
        req.set(http::field::authorization, "Bearer " + std::string(key));
    req.body() = std::move(body);
    req.prepare_payload();
    return req;
}

http::request<http::string_body> post(std::string_view target, const json::value& body,
                                      std::string_view key) {
    return post_text(target, json::serialize(body), key);
}

json::object compatible_body(std::string_view query, const std::vector<std::string>& documents,
                             json::object extra) {
    json::array docs(documents.begin(), documents.end());
    json::object body{{"model", "qwen3-rerank"}, {"query", query}, {"documents", std::move(docs)}};
    for (auto& field : extra)
        body[field.key()] = field.value();
    return body;
}

json::object native_body(std::string_view query, const std::vector<std::string>& documents,
                         json::object parameters) {
    json::array docs(documents.begin(), documents.end());
    json::object body{{"model", "qwen3-rerank"},
                      {"input", json::object{{"query", query}, {"documents", std::move(docs)}}}};
    if (!parameters.empty())
        body["parameters"] = std::move(parameters);
    return body;
}

json::value exchange_result::json() const {
    error_code ec;
    json::value v = json::parse(response.body(), ec);
    return ec ? json::value() : v;
}

raw_client::raw_client(asio::any_io_executor ex, asio::ssl::context* tls, std::string host)
    : ex_(std::move(ex))
    , tls_(tls)
    , host_(std::move(host)) {
    if (tls_)
        secure_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ex_, *tls_);
    else
        plain_ = std::make_unique<beast::tcp_stream>(ex_);
}

beast::tcp_stream& raw_client::tcp() {
    return secure_ ? secure_->next_layer() : *plain_;
}

asio::awaitable<error_code> raw_client::connect(unsigned short port) {
    tcp().expires_after(5s);
    auto [ec] = co_await tcp().async_connect(
        asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), use_tuple);
    if (ec || !secure_)
        co_return ec;
    SSL_set_tlsext_host_name(secure_->native_handle(), host_.c_str());
    secure_->set_verify_callback(asio::ssl::host_name_verification(host_));
    auto [hs] = co_await secure_->async_handshake(asio::ssl::stream_base::client, use_tuple);
    co_return hs;
}

// The request is serialized in memory and the response parsed from the stream's own reads, as
// http::async_write and http::async_read would (same errors: end_of_stream when the connection
// ends before the response starts, partial_message when it ends inside it). Beast's composed
// HTTP operations, instantiated for both kinds of stream, made this file the costliest of the
// tests to compile (32 s of CPU at -O3).
asio::awaitable<exchange_result> raw_client::exchange(http::request<http::string_body> request,
                                                      std::chrono::milliseconds limit) {
    exchange_result result;
    const auto start = clock::now();
    tcp().expires_after(limit);
    std::ostringstream wire;
    wire << request;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    result.ec = co_await write_all(wire.view());
    if (!result.ec)
        result.ec = co_await read_response(parser);
    if (!result.ec)
        result.response = parser.release();
    result.elapsed = since(start);
    co_return result;
}

asio::awaitable<error_code>
raw_client::read_response(http::response_parser<http::string_body>& parser) {
    parser.eager(true);
    error_code ec;
    while (!parser.is_done()) {
        if (buffer_.size() != 0) {
            buffer_.consume(parser.put(buffer_.data(), ec));
            if (ec != http::error::need_more) {
                if (ec)
                    co_return ec;
                continue;
            }
            ec = {};
        }
        auto [read_ec, n] = co_await read_some(buffer_.prepare(65536));
        buffer_.commit(n);
        if (read_ec == asio::error::eof) {
            if (!parser.got_some())
                co_return http::error::end_of_stream;
            parser.put_eof(ec);
            co_return ec;
        }
        if (read_ec)
            co_return read_ec;
    }
    co_return ec;
}

asio::awaitable<std::tuple<error_code, std::size_t>>
raw_client::read_some(asio::mutable_buffer into) {
    if (secure_)
        co_return co_await secure_->async_read_some(into, use_tuple);
    co_return co_await plain_->async_read_some(into, use_tuple);
}

asio::awaitable<error_code> raw_client::write_all(std::string_view bytes) {
    auto buffer = asio::buffer(bytes.data(), bytes.size());
    auto [ec, n] = secure_ ? co_await asio::async_write(*secure_, buffer, use_tuple)
                           : co_await asio::async_write(*plain_, buffer, use_tuple);
    (void)n;
    co_return ec;
}

asio::awaitable<error_code> raw_client::write(std::string_view bytes) {
    tcp().expires_after(5s);
    co_return co_await write_all(bytes);
}

asio::awaitable<raw_read> raw_client::read_until_end(std::chrono::milliseconds limit) {
    raw_read result;
    const auto start = clock::now();
    tcp().expires_after(limit);
    // Bytes the HTTP reads buffered but did not consume come first.
    result.bytes.append(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    buffer_.consume(buffer_.size());
    std::array<char, 4096> chunk;
    for (;;) {
        auto [ec, n] = co_await read_some(asio::buffer(chunk));
        result.bytes.append(chunk.data(), n);
        if (ec) {
            result.ended_by = ec;
            break;
        }
    }
    result.elapsed = since(start);
    co_return result;
}

void raw_client::close() {
    error_code ignored;
    tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    tcp().socket().close(ignored);
}

asio::ssl::context test_ca_context() {
    asio::ssl::context context(asio::ssl::context::tls_client);
    context.load_verify_file(cert_path("ca.pem"));
    context.set_verify_mode(asio::ssl::verify_peer);
    return context;
}

std::string cert_path(const std::string& name) {
    // Appended piecewise: GCC 12 warns (wrongly) about `std::string(literal) + ... + name`.
    std::string path;
    path.reserve(256);
    path.append(RERANK_SOURCE_DIR).append("/test/certs/").append(name);
    return path;
}

asio::awaitable<bool> concurrently(int clients, std::function<asio::awaitable<void>()> body,
                                   std::chrono::milliseconds limit) {
    auto finished = std::make_shared<int>(0);
    auto ex = co_await asio::this_coro::executor;
    for (int i = 0; i < clients; ++i)
        asio::co_spawn(
            ex,
            [body, finished]() -> asio::awaitable<void> {
                co_await body();
                ++*finished;
            },
            asio::detached);
    co_return co_await eventually([&] { return *finished == clients; }, limit);
}

asio::awaitable<exchange_result> one_shot(unsigned short port,
                                          http::request<http::string_body> request,
                                          std::chrono::milliseconds limit) {
    raw_client client(co_await asio::this_coro::executor);
    if (error_code ec = co_await client.connect(port)) {
        exchange_result failed;
        failed.ec = ec;
        co_return failed;
    }
    co_return co_await client.exchange(std::move(request), limit);
}

} // namespace rerank::emulator::test
