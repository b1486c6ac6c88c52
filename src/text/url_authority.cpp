#include "text/url_authority.hpp"

namespace rerank::detail {

std::string_view read_host_and_port(const boost::urls::url_view& url, std::string_view default_port,
                                    std::string& host, std::string& port, host_form form) {
    switch (url.host_type()) {
    case boost::urls::host_type::name:
    case boost::urls::host_type::ipv4:
        if (form == host_form::encoded)
            host = url.encoded_host();
        else
            host = url.host();
        break;
    case boost::urls::host_type::ipv6:
        host = url.host_address();
        break;
    default:
        return "no usable host";
    }
    if (host.empty())
        return "no host";
    if (!url.has_port()) {
        port = default_port;
        return {};
    }
    // Boost.URL 1.81's port_number() keeps a larger port modulo 65536 (99999 -> 34463): read
    // the digits here.
    const std::string_view digits = url.port();
    for (const char c : digits)
        if (c < '0' || c > '9')
            return "invalid port";
    if (digits.empty() || digits.size() > 5 || std::stoul(std::string(digits)) > 65535 ||
        url.port_number() == 0)
        return "invalid port";
    port = std::to_string(url.port_number());
    return {};
}

} // namespace rerank::detail
