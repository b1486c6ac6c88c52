// A minimal raw HTTP(S) client for the emulator's integration tests.
#pragma once

#include <rerank/emulator/server.hpp>

#include "support/io_fixture.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <tuple>

namespace rerank::emulator::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using error_code = boost::system::error_code;
using namespace std::chrono_literals;

inline constexpr std::string_view compatible_path = "/compatible-api/v1/reranks";
inline constexpr std::string_view native_path = "/api/v1/services/rerank/text-rerank/text-rerank";
inline constexpr std::string_view test_key = "emulator-key";

// Scenarios run with `io_fixture().run(...)`: a fresh io_context each, bounded in time, and
// failed if they leave work behind.
using rerank::test::io_fixture;
using rerank::test::sleep_for;

/// Waits (polling) until `condition()` holds or `limit` passes; returns whether it held.
template <class Condition>
asio::awaitable<bool> eventually(Condition condition, std::chrono::milliseconds limit = 3s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline)
            co_return false;
        co_await sleep_for(5ms);
    }
    co_return true;
}

/// A POST of `body` to `target` with `Authorization: Bearer <key>` (none when `key` is empty).
http::request<http::string_body> post(std::string_view target, const json::value& body,
                                      std::string_view key = test_key);
http::request<http::string_body> post_text(std::string_view target, std::string body,
                                           std::string_view key = test_key);

/// `{"model":"qwen3-rerank","query":...,"documents":[...]}`, plus `extra`'s fields.
json::object compatible_body(std::string_view query, const std::vector<std::string>& documents,
                             json::object extra = {});
/// `{"model":"qwen3-rerank","input":{"query","documents"},"parameters":parameters}` (no
/// parameters field when empty).
json::object native_body(std::string_view query, const std::vector<std::string>& documents,
                         json::object parameters = {});

struct exchange_result {
    error_code ec;
    http::response<http::string_body> response;
    std::chrono::milliseconds elapsed{0};
    /// The body parsed as JSON (null when it is not JSON).
    json::value json() const;
};

/// What a raw read of a connection got until the connection ended.
struct raw_read {
    std::string bytes;
    error_code ended_by;
    std::chrono::milliseconds elapsed{0};
};

/// One client connection, plain or TLS (verifying the server against `tls`, for `host`).
class raw_client {
public:
    explicit raw_client(asio::any_io_executor ex, asio::ssl::context* tls = nullptr,
                        std::string host = "localhost");

    /// Connects to 127.0.0.1:`port` (and handshakes), within 5 s.
    asio::awaitable<error_code> connect(unsigned short port);
    /// Writes `request` and reads one response, within `limit`.
    asio::awaitable<exchange_result> exchange(http::request<http::string_body> request,
                                              std::chrono::milliseconds limit = 5s);
    /// Writes raw bytes.
    asio::awaitable<error_code> write(std::string_view bytes);
    /// Reads raw bytes until the connection ends or `limit` passes (ended_by = timeout).
    asio::awaitable<raw_read> read_until_end(std::chrono::milliseconds limit);
    void close();

private:
    beast::tcp_stream& tcp();
    asio::awaitable<error_code> read_response(http::response_parser<http::string_body>& parser);
    asio::awaitable<std::tuple<error_code, std::size_t>> read_some(asio::mutable_buffer into);
    asio::awaitable<error_code> write_all(std::string_view bytes);

    asio::any_io_executor ex_;
    asio::ssl::context* tls_;
    std::string host_;
    std::unique_ptr<beast::tcp_stream> plain_;
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure_;
    beast::flat_buffer buffer_;
};

/// A client SSL context trusting only the test CA (test/certs/ca.pem).
asio::ssl::context test_ca_context();
/// Path of a file of test/certs.
std::string cert_path(const std::string& name);

/// Runs `clients` coroutines `body()` at once on the calling coroutine's executor and waits
/// for all of them within `limit`; returns whether they all finished.
asio::awaitable<bool> concurrently(int clients, std::function<asio::awaitable<void>()> body,
                                   std::chrono::milliseconds limit);

/// One request on a new connection.
asio::awaitable<exchange_result> one_shot(unsigned short port,
                                          http::request<http::string_body> request,
                                          std::chrono::milliseconds limit = 5s);

} // namespace rerank::emulator::test
