// HTTP responses as bytes: the emulator writes bytes itself so that faults can cut, drip or
// falsify them.
#pragma once

#include <rerank/emulator/header_fields.hpp>

#include <cstddef>
#include <string>

namespace rerank::emulator::detail {

/// A response before serialisation.
struct reply {
    unsigned status = 200;
    /// Sent as Content-Type unless empty.
    std::string content_type = "application/json";
    /// Extra fields (Retry-After, Location...), sent after the standard ones.
    header_fields headers;
    std::string body;
};

/// A serialised response: `bytes` is the header block followed by the body.
struct wire_message {
    std::string bytes;
    std::size_t header_size = 0;
    std::size_t body_size() const noexcept { return bytes.size() - header_size; }
};

/// Serialises `r` as HTTP/1.1 with `Content-Length` and, unless `keep_alive`,
/// `Connection: close`.
wire_message to_wire(const reply& r, bool keep_alive);

} // namespace rerank::emulator::detail
