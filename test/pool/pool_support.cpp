#include "pool/pool_support.hpp"

#include <boost/asio/connect.hpp>
#include <boost/test/unit_test.hpp>

#include <cerrno>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>

namespace rerank::test {

namespace net = boost::asio;
using tcp = net::ip::tcp;

silent_listener::silent_listener(net::io_context& ioc, bool backlog_full)
    : acceptor_(ioc) {
    const tcp::endpoint where(net::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(where.protocol());
    acceptor_.bind(where);
    // Queued connections inherit a small receive buffer: a large request blocks in writing.
    acceptor_.set_option(net::socket_base::receive_buffer_size(4096));
    if (!backlog_full) {
        acceptor_.listen(net::socket_base::max_listen_connections);
        return;
    }
    // Backlog 0 holds one connection on Linux; connect until a connect does not complete, so
    // the queue is surely full (bounded: a few sockets at most).
    acceptor_.listen(0);
    for (int i = 0; i < 4; ++i) {
        tcp::socket s(ioc);
        s.open(tcp::v4());
        // A raw non-blocking connect: Asio's synchronous connect would wait for it forever.
        const int fd = s.native_handle();
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
        const auto to = acceptor_.local_endpoint();
        const int rc = ::connect(fd, to.data(), static_cast<socklen_t>(to.size()));
        if (rc != 0 && errno == EINPROGRESS) {
            // A connection the queue takes completes at once on loopback (microseconds); one
            // still in SYN_SENT after 50 ms was dropped: the queue is full.
            pollfd pfd{fd, POLLOUT, 0};
            if (::poll(&pfd, 1, 50) == 0) {
                fillers_.push_back(std::move(s));
                return;
            }
        }
        fillers_.push_back(std::move(s));
    }
    BOOST_FAIL("could not fill the listen queue of a backlog-0 listener");
}

std::string silent_listener::base_url(bool tls) const {
    return std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port()) +
           "/compatible-api/v1";
}

void fault_script::reset(std::vector<emulator::fault> faults, emulator::fault otherwise) {
    std::lock_guard lock(state_->mutex);
    state_->faults = std::move(faults);
    state_->otherwise = std::move(otherwise);
    state_->arrivals.clear();
}

emulator::fault_hook fault_script::hook() {
    return [s = state_](const emulator::request_info&) {
        std::lock_guard lock(s->mutex);
        const std::size_t i = s->arrivals.size();
        s->arrivals.push_back(steady::now());
        return i < s->faults.size() ? s->faults[i] : s->otherwise;
    };
}

std::vector<steady::time_point> fault_script::arrivals() const {
    std::lock_guard lock(state_->mutex);
    return state_->arrivals;
}

std::size_t fault_script::count() const {
    std::lock_guard lock(state_->mutex);
    return state_->arrivals.size();
}

} // namespace rerank::test
