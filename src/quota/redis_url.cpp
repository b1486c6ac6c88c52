#include "quota/redis_url.hpp"

#include "text/printable.hpp"
#include "text/url_authority.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <charconv>

namespace rerank::detail {

namespace {

// The URL is shown without its user info (`text::printable_url`): that is where the password is.
error_code refuse_redis_url(diagnostics& diag, std::string_view url, std::string_view why) {
    diag.client_message =
        "invalid Redis URL '" + text::printable_url(url) + "': " + std::string(why);
    return errc::invalid_request;
}

// Whether `digits` is a decimal number (no sign, no spaces) of at most `max`.
bool is_decimal_at_most(std::string_view digits, unsigned long max) {
    unsigned long value = 0;
    const auto end = digits.data() + digits.size();
    const auto [ptr, ec] = std::from_chars(digits.data(), end, value);
    return !digits.empty() && ec == std::errc() && ptr == end && value <= max;
}

} // namespace

std::string redis_endpoint::where() const {
    return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
}

error_code parse_redis_url(std::string_view url_text, redis_endpoint& out, diagnostics& diag) {
    auto parsed = boost::urls::parse_absolute_uri(url_text);
    if (!parsed)
        return refuse_redis_url(diag, url_text, "not an absolute URL");
    const boost::urls::url_view& url = *parsed;
    if (url.scheme() != "redis")
        return refuse_redis_url(diag, url_text,
                                "the scheme must be redis:// (TLS, rediss://, is not supported)");
    if (url.has_query() || url.has_fragment())
        return refuse_redis_url(diag, url_text, "a Redis URL has no query or fragment");

    redis_endpoint ep;
    if (url.has_userinfo()) {
        if (!url.user().empty())
            return refuse_redis_url(diag, url_text,
                                    "a user name is not supported: use redis://:password@host");
        ep.password = url.password();
    }
    if (const std::string_view wrong =
            read_host_and_port(url, "6379", ep.host, ep.port, host_form::decoded);
        !wrong.empty())
        return refuse_redis_url(diag, url_text, wrong);

    std::string_view path = url.encoded_path();
    if (!path.empty() && path != "/") {
        // "/3": database 3. Redis numbers its databases from 0 (16 by default).
        if (path.front() != '/' || !is_decimal_at_most(path.substr(1), 0x7fffffff))
            return refuse_redis_url(diag, url_text,
                                    "the path must be a database number (redis://host:port/3)");
        ep.db = path.substr(1);
    }
    out = std::move(ep);
    return {};
}

} // namespace rerank::detail
