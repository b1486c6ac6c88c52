// Whether and how the client goes through an HTTP proxy.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace rerank {

/// Where a client's proxy setting comes from.
enum class proxy_mode : std::uint8_t {
    /// From the environment when the client is constructed, as curl and Go read it:
    /// `https_proxy`/`HTTPS_PROXY` for an `https://` base URL, `http_proxy`/`HTTP_PROXY` for
    /// `http://` (the lower-case name wins when both are set, as in curl; an empty value is
    /// unset), unless `no_proxy`/`NO_PROXY` names the base URL's host. No variable set: direct.
    from_environment,
    /// Always through `proxy_options::url` (the environment is not read).
    url,
    /// Always direct, whatever the environment says.
    none,
};

/// The client's HTTP proxy. `https://` base URLs go through a `CONNECT host:port` tunnel, with
/// TLS to the origin inside it (the certificate and host name are checked against the origin,
/// SNI is the origin's, and sessions resume as without a proxy); `http://` base URLs send
/// absolute-form requests (`POST http://host/path`) to the proxy. A proxy that refuses
/// (407, 403, 502 to CONNECT...), closes or cannot be reached fails the attempt with
/// `errc::connection_failed`, its diagnostics naming the proxy (without credentials) and its
/// status.
///
/// Proxy URLs: `http://[user:pass@]host[:port][/]` (the port defaults to 80; an environment
/// value without a scheme, `host:port`, is taken as `http://`). The user info, percent-decoded,
/// is sent as `Proxy-Authorization: Basic` and never appears in a message. Other schemes
/// (`https://`, `socks5://`), a path, a query or a fragment are refused with
/// `errc::invalid_request`, as every call of the client then is.
///
/// `no_proxy`/`NO_PROXY`: a list separated by commas or spaces of
/// - `*`: every host goes direct;
/// - a host name: that host and its subdomains (`example.com` and `.example.com` both match
///   `example.com` and `api.example.com`; a leading `*.` is read as `.`), case-insensitive;
/// - an IP address (IPv6 with or without brackets): that address exactly.
/// A port in a rule (`example.com:8443`) is ignored. CIDR ranges are not supported (such a
/// rule matches nothing). Loopback hosts are proxied unless a rule names them (as curl does).
struct proxy_options {
    /// Default `proxy_mode::from_environment`.
    proxy_mode mode = proxy_mode::from_environment;
    /// The proxy, for `proxy_mode::url` (must then be set); ignored otherwise. Default empty.
    std::string url;

    /// Always direct.
    static proxy_options none() { return {proxy_mode::none, {}}; }
    /// Always through `proxy_url`.
    static proxy_options through(std::string proxy_url) {
        return {proxy_mode::url, std::move(proxy_url)};
    }
};

} // namespace rerank
