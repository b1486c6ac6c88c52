// An HTTP search service that reranks candidates through one shared rerank::client, served by
// several threads: how to embed the client in an asynchronous server.
//
//   POST /search  {"query": "...", "candidates": ["...", ...], "top_n": 3, "timeout_ms": 2000}
//   -> 200 {"results": [{"index": 1, "score": 0.93, "text": "..."}, ...], "request_id": "..."}
//
// `top_n` and `timeout_ms` are optional; the deadline may also come as an `X-Timeout-Ms`
// header (a front end passing its own remaining budget down). When the caller hangs up before
// the answer is ready, the rerank call is cancelled: its connection to the API is closed at
// once instead of finishing work nobody will read.
//
//   GET /metrics -> the client's Prometheus metrics (text format), when the example is built
//   with rerank::prometheus (prometheus-cpp installed).
//
// usage: search_service [--port N] [--threads N]
// The upstream API: DASHSCOPE_API_KEY, and RERANK_BASE_URL / RERANK_CA_FILE to point elsewhere.
// Prints "listening on http://127.0.0.1:PORT" once ready; stops on SIGINT or SIGTERM.
#include <rerank/client.hpp>
#if __has_include(<rerank/prometheus/metrics_observer.hpp>) // built with rerank::prometheus
#include <rerank/prometheus/metrics_observer.hpp>
#define SEARCH_SERVICE_METRICS 1
#endif

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <sys/socket.h>

#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using net::ip::tcp;
using namespace std::chrono_literals;

namespace {

// What every session shares: the one client and, when built with them, its metrics.
struct service {
    rerank::client& client;
#ifdef SEARCH_SERVICE_METRICS
    std::shared_ptr<rerank::prometheus::metrics_observer> metrics;
#endif
};

// What a caller asked for, or why it cannot be asked.
struct search_query {
    rerank::request request;
    std::string error; // non-empty: answer 400 with it
};

search_query parse_search(const http::request<http::string_body>& msg) {
    search_query out;
    json::error_code ec;
    const json::value body = json::parse(msg.body(), ec);
    const json::object* obj = ec ? nullptr : body.if_object();
    if (!obj) {
        out.error = "the body must be a JSON object";
        return out;
    }
    const json::value* query = obj->if_contains("query");
    const json::value* candidates = obj->if_contains("candidates");
    if (!query || !query->is_string() || !candidates || !candidates->is_array()) {
        out.error = "\"query\" (a string) and \"candidates\" (an array of strings) are required";
        return out;
    }
    out.request.query = query->get_string();
    for (const json::value& c : candidates->get_array()) {
        if (!c.is_string()) {
            out.error = "every candidate must be a string";
            return out;
        }
        out.request.documents.emplace_back(c.get_string());
    }
    if (const json::value* top_n = obj->if_contains("top_n")) {
        auto n = top_n->to_number<std::int64_t>(ec);
        if (ec || n < 1) {
            out.error = "\"top_n\" must be a positive integer";
            return out;
        }
        out.request.top_n = static_cast<std::size_t>(n);
    }
    // The caller's deadline: the body's field wins over the header.
    std::int64_t timeout_ms = -1;
    if (auto header = msg.find("X-Timeout-Ms"); header != msg.end())
        timeout_ms = std::atoll(std::string(header->value()).c_str());
    if (const json::value* t = obj->if_contains("timeout_ms")) {
        timeout_ms = t->to_number<std::int64_t>(ec);
        if (ec)
            timeout_ms = 0;
    }
    if (timeout_ms == 0 || timeout_ms < -1) {
        out.error = "the timeout must be a positive number of milliseconds";
        return out;
    }
    if (timeout_ms > 0)
        out.request.timeout = std::chrono::milliseconds(timeout_ms);
    return out;
}

std::string results_json(const rerank::response& res) {
    json::array results;
    for (const rerank::result& r : res.results)
        results.push_back(
            json::object{{"index", r.index},
                         {"score", r.relevance_score},
                         {"text", json::string_view(r.document.data(), r.document.size())}});
    return json::serialize(json::object{{"results", std::move(results)}, {"request_id", res.id}});
}

// How an upstream failure looks to our caller.
http::status status_for(rerank::error_code ec) {
    if (ec == rerank::errc::invalid_request || ec == rerank::errc::request_too_large)
        return http::status::bad_request;
    if (ec == rerank::errc::timeout)
        return http::status::gateway_timeout;
    if (ec == rerank::errc::rate_limited)
        return http::status::too_many_requests;
    return http::status::bad_gateway;
}

http::response<http::string_body> answer(const http::request<http::string_body>& req,
                                         http::status status, std::string body) {
    http::response<http::string_body> res{status, req.version()};
    res.set(http::field::content_type, "application/json");
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

std::string error_json(std::string_view message) {
    return json::serialize(json::object{{"error", message}});
}

// Watches the caller's socket while its rerank call runs: the caller hanging up (end of
// stream or an error on the read side) emits the call's cancellation signal. Lives in a
// shared_ptr because the socket's wait handler may run after the call is over; everything
// here runs on the session's strand.
struct hang_up_watch {
    net::cancellation_signal signal;
    bool call_done = false;
    bool caller_gone = false;

    static void start(const std::shared_ptr<hang_up_watch>& self, tcp::socket& socket) {
        socket.async_wait(tcp::socket::wait_read, [self, &socket](beast::error_code ec) {
            if (ec || self->call_done)
                return; // the call finished first: the socket may be gone
            char probe;
            const auto n = ::recv(socket.native_handle(), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
            if (n > 0)
                return; // a pipelined next request, not a hang-up
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
                // A stale readiness (the request's own bytes, already read): keep watching.
                start(self, socket);
                return;
            }
            self->caller_gone = true; // end of stream, or the connection broke
            self->signal.emit(net::cancellation_type::terminal);
        });
    }
};

net::awaitable<http::response<http::string_body>>
search(service& svc, beast::tcp_stream& stream, const http::request<http::string_body>& req,
       bool& caller_gone) {
#ifdef SEARCH_SERVICE_METRICS
    if (req.method() == http::verb::get && req.target() == "/metrics") {
        svc.metrics->update_pool(svc.client.stats()); // the pool's gauges, as of now
        auto res = answer(req, http::status::ok, svc.metrics->text());
        res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        co_return res;
    }
#endif
    if (req.method() != http::verb::post || req.target() != "/search")
        co_return answer(req, http::status::not_found, error_json("only POST /search is served"));
    search_query q = parse_search(req);
    if (!q.error.empty())
        co_return answer(req, http::status::bad_request, error_json(q.error));

    auto watch = std::make_shared<hang_up_watch>();
    hang_up_watch::start(watch, stream.socket());
    rerank::diagnostics diag;
    auto [ec, res] = co_await svc.client.async_rerank(
        q.request, diag,
        net::bind_cancellation_slot(watch->signal.slot(), net::as_tuple(net::use_awaitable)));
    watch->call_done = true;
    stream.socket().cancel(); // ends the watch's wait
    caller_gone = watch->caller_gone;
    if (ec) {
        if (!caller_gone)
            std::cerr << "search: " << rerank::to_string(static_cast<rerank::errc>(ec.value()))
                      << ": " << diag.to_string() << '\n';
        co_return answer(req, status_for(ec),
                         json::serialize(json::object{
                             {"error", rerank::to_string(static_cast<rerank::errc>(ec.value()))},
                             {"detail", diag.to_string()}}));
    }
    co_return answer(req, http::status::ok, results_json(res));
}

net::awaitable<void> session(service& svc, tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(16u << 20);
        stream.expires_after(60s); // an idle keep-alive connection is closed after a minute
        auto [read_ec, n] =
            co_await http::async_read(stream, buffer, parser, net::as_tuple(net::use_awaitable));
        if (read_ec)
            break;              // the caller closed, timed out, or sent something that is not HTTP
        stream.expires_never(); // the rerank call has its own deadline
        const auto req = parser.release();
        bool caller_gone = false;
        auto res = co_await search(svc, stream, req, caller_gone);
        if (caller_gone) {
            std::cerr << "search: caller hung up, rerank call cancelled\n";
            break;
        }
        stream.expires_after(30s);
        auto [write_ec, written] =
            co_await http::async_write(stream, res, net::as_tuple(net::use_awaitable));
        if (write_ec || !res.keep_alive())
            break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

// A session that fails (out of memory...) says so; the service goes on.
void report_failure(std::exception_ptr e) {
    try {
        if (e)
            std::rethrow_exception(e);
    } catch (const std::exception& x) {
        std::cerr << "session failed: " << x.what() << '\n';
    }
}

net::awaitable<void> listen(net::io_context& ioc, service& svc, tcp::acceptor& acceptor) {
    for (;;) {
        // Each connection gets its own strand: connections run in parallel on the threads,
        // all sharing the one client (which is safe to call from any thread).
        auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(ioc),
                                                           net::as_tuple(net::use_awaitable));
        if (ec == net::error::operation_aborted)
            co_return;
        if (!ec)
            net::co_spawn(socket.get_executor(), session(svc, std::move(socket)), report_failure);
    }
}

unsigned number_arg(const char* name, const char* text, unsigned max) {
    char* end = nullptr;
    const unsigned long n = std::strtoul(text, &end, 10);
    if (*text == '\0' || *end != '\0' || n > max) {
        std::cerr << "search_service: invalid " << name << ": " << text << '\n';
        std::exit(2);
    }
    return static_cast<unsigned>(n);
}

} // namespace

int main(int argc, char** argv) {
    unsigned short port = 0;
    unsigned threads = 4;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if ((arg == "--port" || arg == "--threads") && i + 1 < argc) {
            if (arg == "--port")
                port = static_cast<unsigned short>(number_arg("port", argv[++i], 65535));
            else
                threads = std::max(1u, number_arg("thread count", argv[++i], 256));
        } else {
            std::cerr << "usage: search_service [--port N] [--threads N]\n";
            return 2;
        }
    }

    rerank::client_options opts;
    if (const char* url = std::getenv("RERANK_BASE_URL"))
        opts.base_url = url;
    if (const char* ca = std::getenv("RERANK_CA_FILE"))
        opts.tls.ca_file = ca;

#ifdef SEARCH_SERVICE_METRICS
    auto metrics = std::make_shared<rerank::prometheus::metrics_observer>();
    opts.observer = metrics;
#endif
    net::io_context ioc(static_cast<int>(threads));
    rerank::client client(ioc.get_executor(), opts); // the one client every session shares
#ifdef SEARCH_SERVICE_METRICS
    service svc{client, metrics};
#else
    service svc{client};
#endif
    // The acceptor and the signals share a strand, so a signal can close the acceptor safely.
    auto control = net::make_strand(ioc);
    tcp::acceptor acceptor(control, {net::ip::make_address("127.0.0.1"), port});

    net::signal_set signals(control, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code, int) {
        acceptor.close();
        client.cancel(); // calls in flight complete at once with errc::cancelled
        ioc.stop();
    });
    // Announced once a signal stops the service cleanly.
    std::cout << "listening on http://127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;
    net::co_spawn(control, listen(ioc, svc, acceptor), net::detached);

    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i)
        pool.emplace_back([&ioc] { ioc.run(); });
    ioc.run();
    for (auto& t : pool)
        t.join();
}
