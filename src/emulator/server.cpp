#include <rerank/emulator/server.hpp>

#include "emulator/routes.hpp"
#include "emulator/server_state.hpp"
#include "emulator/session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cmath>
#include <stdexcept>
#include <thread>

namespace rerank::emulator {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

asio::awaitable<void> accept_loop(std::shared_ptr<detail::server_state> state,
                                  tcp::acceptor acceptor) {
    for (;;) {
        // Each connection gets a strand: with several threads, its coroutine and the timer of
        // its Beast stream must never run at the same time.
        const asio::any_io_executor strand = asio::make_strand(acceptor.get_executor());
        auto [ec, socket] =
            co_await acceptor.async_accept(strand, asio::as_tuple(asio::use_awaitable));
        if (ec == asio::error::operation_aborted || !acceptor.is_open())
            co_return;
        if (ec) {
            // Out of descriptors, or a connection reset before it was accepted: keep listening,
            // without spinning.
            asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(10));
            co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
            continue;
        }
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        const std::uint64_t id = state->next_connection++;
        asio::co_spawn(strand, detail::serve_connection(state, std::move(socket), id),
                       asio::detached);
    }
}

asio::ssl::context make_tls_context(const options& opts) {
    asio::ssl::context context(asio::ssl::context::tls_server);
    context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                        asio::ssl::context::no_tlsv1_1);
    context.use_certificate_chain_file(opts.tls_cert_file);
    context.use_private_key_file(opts.tls_key_file, asio::ssl::context::pem);
    return context;
}

} // namespace

struct server::impl {
    explicit impl(emulator::options opts)
        : state(std::make_shared<detail::server_state>(std::move(opts))) {}

    std::shared_ptr<detail::server_state> state;
    std::unique_ptr<asio::io_context> io;
    std::vector<std::thread> threads;
    unsigned short port = 0;
    bool started = false;
    bool stopped = false;
};

server::server(emulator::options opts)
    : impl_(std::make_unique<impl>(std::move(opts))) {}

server::~server() {
    stop();
}

void server::start() {
    if (impl_->started)
        throw std::logic_error("rerank::emulator::server::start: already started");
    const emulator::options& opts = impl_->state->opts;
    if (opts.tls_cert_file.empty() != opts.tls_key_file.empty())
        throw std::invalid_argument(
            "rerank::emulator::server: give both a TLS certificate and a key, or neither");
    const auto valid_rate = [](double r) { return std::isfinite(r) && r >= 0; };
    if (!valid_rate(opts.requests_per_minute) || !valid_rate(opts.tokens_per_minute) ||
        opts.quota_burst.count() < 0)
        throw std::invalid_argument("rerank::emulator::server: the quota's rates and burst must "
                                    "be finite and not negative");
    if (!opts.tls_cert_file.empty())
        impl_->state->tls.emplace(make_tls_context(opts));
    // The first count loads the Qwen3 vocabulary (tens of ms): before listening, not in the
    // first request, which would otherwise arrive late on a quota's schedule (and be slow).
    if (opts.count_tokens)
        opts.count_tokens("warm up");

    const unsigned threads = std::max(opts.threads, 1u);
    auto io = std::make_unique<asio::io_context>(static_cast<int>(threads));
    tcp::acceptor acceptor(*io);
    const tcp::endpoint endpoint(asio::ip::make_address(opts.host), opts.port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    impl_->port = acceptor.local_endpoint().port();

    asio::co_spawn(*io, accept_loop(impl_->state, std::move(acceptor)), asio::detached);
    impl_->io = std::move(io);
    impl_->started = true;
    for (unsigned i = 0; i < threads; ++i)
        impl_->threads.emplace_back([io = impl_->io.get()] { io->run(); });
}

void server::stop() {
    if (!impl_->started || impl_->stopped)
        return;
    impl_->stopped = true;
    impl_->io->stop();
    for (std::thread& t : impl_->threads)
        t.join();
    impl_->threads.clear();
    // Destroying the io_context destroys every suspended coroutine: the listener and each
    // connection (stalled ones included) close their sockets as their frames unwind.
    impl_->io.reset();
}

unsigned short server::port() const noexcept {
    return impl_->port;
}

std::string server::base_url() const {
    return base_url(detail::served_dialect(impl_->state->opts.dialect));
}

std::string server::base_url(rerank::dialect d) const {
    const emulator::options& opts = impl_->state->opts;
    std::string url = opts.tls_cert_file.empty() ? "http://" : "https://";
    const bool ipv6 = opts.host.find(':') != std::string::npos;
    url += ipv6 ? "[" + opts.host + "]" : opts.host;
    url += ':';
    url += std::to_string(impl_->port);
    url += detail::base_path(d);
    return url;
}

void server::set_fault_hook(fault_hook hook) {
    impl_->state->faults.set_hook(std::move(hook));
}
void server::push_fault(fault f) {
    impl_->state->faults.push(std::move(f));
}
void server::clear_faults() {
    impl_->state->faults.clear();
}
std::size_t server::pending_faults() const {
    return impl_->state->faults.pending();
}

server_stats server::stats() const {
    return impl_->state->stats.snapshot();
}
void server::reset_stats() {
    impl_->state->stats.reset();
}

const emulator::options& server::options() const noexcept {
    return impl_->state->opts;
}

} // namespace rerank::emulator
