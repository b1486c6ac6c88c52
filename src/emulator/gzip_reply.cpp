#include "emulator/gzip_reply.hpp"

#include "text/http_tokens.hpp"

#include <boost/beast/core/string.hpp>

#include <zlib.h>

#include <new>
#include <optional>
#include <string>

namespace rerank::emulator::detail {

namespace {

// Whether the parameters of one Accept-Encoding element (";q=0.5") leave a weight above zero.
bool weight_above_zero(std::string_view params) noexcept {
    while (!params.empty()) {
        const std::size_t semicolon = params.find(';', 1);
        std::string_view param = text::trim_whitespace(params.substr(1, semicolon - 1));
        params =
            semicolon == std::string_view::npos ? std::string_view() : params.substr(semicolon);
        if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=')
            continue;
        // A weight is "0", "0.", "0.0"... or anything else, which is above zero.
        for (const char c : param.substr(2))
            if (c != '0' && c != '.')
                return true;
        return false;
    }
    return true;
}

} // namespace

bool accepts_gzip(std::string_view accept_encoding) noexcept {
    using boost::beast::iequals;
    std::optional<bool> gzip, any;
    while (!accept_encoding.empty()) {
        const std::size_t comma = accept_encoding.find(',');
        const std::string_view element = accept_encoding.substr(0, comma);
        accept_encoding = comma == std::string_view::npos ? std::string_view()
                                                          : accept_encoding.substr(comma + 1);
        const std::size_t semicolon = element.find(';');
        const std::string_view coding = text::trim_whitespace(element.substr(0, semicolon));
        const bool weighted =
            semicolon == std::string_view::npos || weight_above_zero(element.substr(semicolon));
        if (iequals(coding, "gzip") || iequals(coding, "x-gzip"))
            gzip = weighted;
        else if (coding == "*")
            any = weighted;
    }
    return gzip ? *gzip : any.value_or(false);
}

void gzip_reply(reply& r) {
    if (r.body.empty() || find_header(r.headers, "Content-Encoding"))
        return;
    z_stream z{};
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::bad_alloc();
    std::string out(deflateBound(&z, static_cast<uLong>(r.body.size())) + 18, '\0');
    z.next_in = reinterpret_cast<Bytef*>(r.body.data());
    z.avail_in = static_cast<uInt>(r.body.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int ret = deflate(&z, Z_FINISH); // the bound leaves room for everything at once
    out.resize(z.total_out);
    deflateEnd(&z);
    if (ret != Z_STREAM_END)
        throw std::bad_alloc();
    r.body = std::move(out);
    r.headers.emplace_back("Content-Encoding", "gzip");
}

} // namespace rerank::emulator::detail
