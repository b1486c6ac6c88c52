#include "emulator/json_text.hpp"

#include <boost/json/serialize.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <string_view>

namespace rerank::emulator::detail {
namespace {

namespace json = boost::json;

void append_double(std::string& out, double d) {
    if (!std::isfinite(d)) { // JSON has no NaN or infinity; Boost writes them this way too
        out += json::serialize(json::value(d));
        return;
    }
    std::array<char, 400> buffer; // the longest fixed form of a double is about 330 characters
    auto [end, ec] =
        std::to_chars(buffer.data(), buffer.data() + buffer.size(), d, std::chars_format::fixed);
    if (ec != std::errc{}) {
        out += json::serialize(json::value(d));
        return;
    }
    const std::string_view text(buffer.data(), static_cast<std::size_t>(end - buffer.data()));
    out += text;
    // "1" would read back as an integer: a double keeps its point.
    if (text.find('.') == std::string_view::npos)
        out += ".0";
}

void append(std::string& out, const json::value& v) {
    switch (v.kind()) {
    case json::kind::object: {
        out += '{';
        bool first = true;
        for (const auto& field : v.get_object()) {
            if (!first)
                out += ',';
            first = false;
            out += json::serialize(field.key());
            out += ':';
            append(out, field.value());
        }
        out += '}';
        break;
    }
    case json::kind::array: {
        out += '[';
        bool first = true;
        for (const auto& item : v.get_array()) {
            if (!first)
                out += ',';
            first = false;
            append(out, item);
        }
        out += ']';
        break;
    }
    case json::kind::double_:
        append_double(out, v.get_double());
        break;
    default: // strings, integers, booleans, null: Boost's text is the usual one
        out += json::serialize(v);
        break;
    }
}

} // namespace

std::string to_json_text(const json::value& v) {
    std::string out;
    append(out, v);
    return out;
}

} // namespace rerank::emulator::detail
