#include "emulator/wire.hpp"

#include <boost/beast/http/status.hpp>

namespace rerank::emulator::detail {

wire_message to_wire(const reply& r, bool keep_alive) {
    const auto reason =
        boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(r.status));
    wire_message out;
    std::string& s = out.bytes;
    s.reserve(256 + r.body.size());
    s += "HTTP/1.1 ";
    s += std::to_string(r.status);
    s += ' ';
    s.append(reason.data(), reason.size());
    s += "\r\n";
    const auto field = [&s](std::string_view name, std::string_view value) {
        s.append(name);
        s += ": ";
        s.append(value);
        s += "\r\n";
    };
    if (!r.content_type.empty())
        field("Content-Type", r.content_type);
    field("Content-Length", std::to_string(r.body.size()));
    if (!keep_alive)
        field("Connection", "close");
    for (const auto& [name, value] : r.headers)
        field(name, value);
    s += "\r\n";
    out.header_size = s.size();
    s += r.body;
    return out;
}

} // namespace rerank::emulator::detail
