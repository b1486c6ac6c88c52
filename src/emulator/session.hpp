// One connection's life: read requests, decide their faults, answer them, until it closes.
#pragma once

#include "emulator/server_state.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <memory>

namespace rerank::emulator::detail {

/// Serves `socket`, HTTPS when `state->tls` is set. The connection counts as open in
/// `state->stats` from the coroutine's start to its end (or its destruction by the server's stop).
boost::asio::awaitable<void> serve_connection(std::shared_ptr<server_state> state,
                                              boost::asio::ip::tcp::socket socket,
                                              std::uint64_t connection_id);

} // namespace rerank::emulator::detail
