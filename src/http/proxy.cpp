#include "http/proxy.hpp"

#include "text/url_authority.hpp"

#include "text/printable.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <openssl/evp.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <string>

namespace rerank::detail {

namespace {

char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lowercase(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
    return out;
}

bool is_ip_literal(std::string_view host) {
    const std::string text(host);
    unsigned char bytes[sizeof(in6_addr)];
    return inet_pton(AF_INET, text.c_str(), bytes) == 1 ||
           inet_pton(AF_INET6, text.c_str(), bytes) == 1;
}

std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

error_code refuse_proxy_url(diagnostics& diag, std::string_view url, std::string_view why) {
    diag.client_message =
        "invalid proxy URL '" + text::printable_url(url) + "': " + std::string(why);
    return errc::invalid_request;
}

// A rule of no_proxy without its port, its leading "*." or "." and its IPv6 brackets.
std::string_view rule_host(std::string_view rule) {
    if (!rule.empty() && rule.front() == '[') {
        const std::size_t close = rule.find(']');
        return close == std::string_view::npos ? std::string_view() : rule.substr(1, close - 1);
    }
    const std::size_t colon = rule.find(':');
    if (colon != std::string_view::npos && rule.find(':', colon + 1) == std::string_view::npos)
        rule = rule.substr(0, colon); // host:port (an IPv6 literal has several colons)
    if (rule.substr(0, 2) == "*.")
        rule.remove_prefix(1);
    if (!rule.empty() && rule.front() == '.')
        rule.remove_prefix(1);
    return rule;
}

const char* first_set(const environment_lookup& env, const char* lower_name, const char* upper_name,
                      const char*& name) {
    for (const char* candidate : {lower_name, upper_name}) {
        const char* value = env(candidate);
        if (value && *value) {
            name = candidate;
            return value;
        }
    }
    return nullptr;
}

} // namespace

error_code parse_proxy_url(std::string_view url, proxy_route& out, diagnostics& diag) {
    // "host:port" (no scheme), as curl and Go take it, is http://host:port.
    std::string with_scheme(url);
    if (url.find("://") == std::string_view::npos)
        with_scheme = "http://" + with_scheme;
    auto parsed = boost::urls::parse_absolute_uri(with_scheme);
    if (!parsed)
        return refuse_proxy_url(diag, url, "not a URL");
    const boost::urls::url_view& u = *parsed;
    if (u.scheme_id() != boost::urls::scheme::http)
        return refuse_proxy_url(diag, url, "only http:// proxies are supported");
    if (u.has_query() || u.has_fragment())
        return refuse_proxy_url(diag, url, "a proxy URL has no query or fragment");
    if (!u.encoded_path().empty() && u.encoded_path() != "/")
        return refuse_proxy_url(diag, url, "a proxy URL has no path");

    proxy_route route;
    if (const std::string_view wrong = read_host_and_port(u, "80", route.host, route.port);
        !wrong.empty())
        return refuse_proxy_url(diag, url, wrong);
    if (u.has_userinfo()) {
        std::string credentials = u.user();
        credentials += ':';
        credentials += u.password();
        route.authorization = "Basic " + base64(credentials);
    }
    route.display = text::printable_url(with_scheme);
    out = std::move(route);
    return {};
}

bool no_proxy_matches(std::string_view rules, std::string_view host) {
    const std::string name = lowercase(host);
    const bool host_is_ip = is_ip_literal(name);
    while (!rules.empty()) {
        const std::size_t end = rules.find_first_of(", \t");
        const std::string_view rule = rules.substr(0, end);
        rules = end == std::string_view::npos ? std::string_view() : rules.substr(end + 1);
        if (rule == "*")
            return true;
        const std::string wanted = lowercase(rule_host(rule));
        if (wanted.empty())
            continue;
        if (name == wanted)
            return true;
        // Suffixes are domains: an address matches only itself.
        if (!host_is_ip && !is_ip_literal(wanted) && name.size() > wanted.size() &&
            name.compare(name.size() - wanted.size(), wanted.size(), wanted) == 0 &&
            name[name.size() - wanted.size() - 1] == '.')
            return true;
    }
    return false;
}

error_code choose_proxy(const proxy_options& opts, const endpoint& origin,
                        const environment_lookup& env, std::optional<proxy_route>& out,
                        diagnostics& diag) {
    out.reset();
    switch (opts.mode) {
    case proxy_mode::none:
        return {};
    case proxy_mode::url: {
        if (opts.url.empty()) {
            diag.client_message = "client_options::proxy: proxy_mode::url needs a url";
            return errc::invalid_request;
        }
        proxy_route route;
        if (error_code ec = parse_proxy_url(opts.url, route, diag))
            return ec;
        out = std::move(route);
        return {};
    }
    case proxy_mode::from_environment:
        break;
    }
    const char* variable = nullptr;
    const char* value = origin.tls ? first_set(env, "https_proxy", "HTTPS_PROXY", variable)
                                   : first_set(env, "http_proxy", "HTTP_PROXY", variable);
    if (!value)
        return {};
    const char* ignored = nullptr;
    if (const char* rules = first_set(env, "no_proxy", "NO_PROXY", ignored);
        rules && no_proxy_matches(rules, origin.host))
        return {};
    proxy_route route;
    if (error_code ec = parse_proxy_url(value, route, diag)) {
        diag.client_message =
            std::string("environment variable ") + variable + ": " + diag.client_message;
        return ec;
    }
    out = std::move(route);
    return {};
}

std::string authority_of(const endpoint& origin) {
    if (origin.host.find(':') != std::string::npos)
        return "[" + origin.host + "]:" + origin.port;
    return origin.host + ":" + origin.port;
}

std::string connect_request(const endpoint& origin, const proxy_route& proxy) {
    const std::string authority = authority_of(origin);
    std::string out = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n";
    if (!proxy.authorization.empty())
        out += "Proxy-Authorization: " + proxy.authorization + "\r\n";
    out += "\r\n";
    return out;
}

connect_reply read_connect_reply(std::string_view received, std::size_t header_limit) {
    using state = connect_reply::state;
    connect_reply reply;
    const std::size_t end = received.find("\r\n\r\n");
    if (end == std::string_view::npos || end + 4 > header_limit) {
        reply.what = received.size() >= header_limit ? state::too_large : state::incomplete;
        // Not HTTP at all: no need to wait for a head that will never be one.
        const std::string_view start = received.substr(0, 5);
        if (start != std::string_view("HTTP/").substr(0, start.size()))
            reply.what = state::malformed;
        return reply;
    }
    // "HTTP/1.x NNN[ reason]"
    const std::string_view line = received.substr(0, received.find("\r\n"));
    const auto digit = [&](std::size_t i) { return line[i] >= '0' && line[i] <= '9'; };
    if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || !digit(7) || line[8] != ' ' ||
        !digit(9) || !digit(10) || !digit(11) || (line.size() > 12 && line[12] != ' ')) {
        reply.what = state::malformed;
        return reply;
    }
    reply.status =
        static_cast<unsigned>((line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0'));
    reply.reason = line.size() > 13 ? line.substr(13) : std::string_view();
    if (reply.status < 200 || reply.status > 299)
        reply.what = state::refused;
    else
        reply.what = end + 4 == received.size() ? state::established : state::malformed;
    return reply;
}

std::string describe_connect_failure(const connect_reply& reply, const proxy_route& proxy,
                                     const endpoint& origin) {
    using state = connect_reply::state;
    std::string out = "proxy " + proxy.display;
    const std::string target = text::printable(authority_of(origin));
    switch (reply.what) {
    case state::refused:
        out += " refused CONNECT to " + target + ": HTTP " + std::to_string(reply.status);
        if (!reply.reason.empty()) {
            // A proxy's reason phrase may fill the whole head: a message shows its start.
            constexpr std::size_t shown = 128;
            text::append_printable(out += ' ', reply.reason.substr(0, shown));
            if (reply.reason.size() > shown)
                out += "... (" + std::to_string(reply.reason.size()) + " bytes)";
        }
        break;
    case state::malformed:
        out += " sent a malformed answer to CONNECT to " + target;
        break;
    case state::too_large:
        out += " sent an answer to CONNECT too large to read (head over the limit)";
        break;
    case state::incomplete:
        out += " closed the connection before answering CONNECT to " + target;
        break;
    case state::established:
        out += " opened the tunnel to " + target;
        break;
    }
    return out;
}

} // namespace rerank::detail
