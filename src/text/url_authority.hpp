// The host and port of a parsed URL, as the client connects to them (base URLs, proxy URLs,
// Redis URLs).
#pragma once

#include <boost/url/url_view.hpp>

#include <string>
#include <string_view>

namespace rerank::detail {

/// How a host name is read: as written (percent-escapes kept: what HTTP's Host header and TLS
/// name checks compare), or decoded (what a resolver is given, as hiredis-style Redis URLs mean).
enum class host_form { encoded, decoded };

/// Reads `url`'s host (an IPv6 literal without brackets) and port (`default_port` when it has
/// none). Returns what is wrong ("no usable host", "no host", "invalid port"), or empty.
std::string_view read_host_and_port(const boost::urls::url_view& url, std::string_view default_port,
                                    std::string& host, std::string& port,
                                    host_form form = host_form::encoded);

} // namespace rerank::detail
