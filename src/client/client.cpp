#include <rerank/client.hpp>

#include "client/client_impl.hpp"
#include "client/rerank_call.hpp"

#include <rerank/error_with_diagnostics.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace rerank {

namespace net = boost::asio;

client::client(executor_type ex, client_options opts)
    : impl_(std::make_shared<detail::client_impl>(std::move(ex), std::move(opts))) {}

client::~client() {
    if (impl_)
        net::post(impl_->strand, [impl = impl_] { impl->cancel_all(); });
}

client::client(client&&) noexcept = default;

client& client::operator=(client&& other) noexcept {
    if (this != &other) {
        if (impl_)
            net::post(impl_->strand, [impl = impl_] { impl->cancel_all(); });
        impl_ = std::move(other.impl_);
    }
    return *this;
}

client::executor_type client::get_executor() const noexcept {
    return impl_->executor;
}

const client_options& client::options() const noexcept {
    return impl_->options;
}

void client::start_rerank(const request& req, diagnostics* diag,
                          net::any_completion_handler<handler_signature> handler) {
    detail::rerank_call::start(
        std::make_shared<detail::rerank_call>(impl_, req, diag, std::move(handler)));
}

net::awaitable<response> client::rerank(const request& req) {
    diagnostics diag;
    auto [ec, res] = co_await async_rerank(req, diag, net::as_tuple(net::use_awaitable));
    throw_on_error(ec, diag);
    co_return std::move(res);
}

void client::cancel() {
    net::post(impl_->strand, [impl = impl_] { impl->cancel_all(); });
}

pool_stats client::stats() const {
    pool_stats s = impl_->counters.snapshot();
    if (impl_->options.cache)
        s.cache = impl_->options.cache->stats();
    return s;
}

limits client::limits_for(std::string_view model) const {
    return impl_->limits_for(model.empty() ? std::string_view(impl_->options.model) : model).first;
}

} // namespace rerank
