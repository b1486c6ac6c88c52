// A minimal HTTP/1.1 client for the search_service tests, with a hard time limit per call.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace rerank::test {

struct http_reply {
    unsigned status = 0; ///< 0 when no answer came (see `error`)
    std::string body;
    std::string error; ///< why no answer came: connect/write/read failure or timeout
};

using header_list = std::vector<std::pair<std::string, std::string>>;

/// POSTs `body` (as application/json) to http://127.0.0.1:port/target on a new connection.
http_reply http_post(unsigned short port, const std::string& target, const std::string& body,
                     const header_list& headers = {},
                     std::chrono::milliseconds limit = std::chrono::seconds(20));

/// POSTs every body at once, each on its own connection; the replies in the bodies' order.
std::vector<http_reply>
http_post_concurrently(unsigned short port, const std::string& target,
                       const std::vector<std::string>& bodies,
                       std::chrono::milliseconds limit = std::chrono::seconds(20));

/// GETs http://127.0.0.1:port/target on a new connection.
http_reply http_get(unsigned short port, const std::string& target,
                    std::chrono::milliseconds limit = std::chrono::seconds(20));

/// Sends the request, calls `before_hang_up` (which may block), and closes the connection
/// without reading the answer: a caller that hangs up.
void http_post_and_hang_up(unsigned short port, const std::string& target, const std::string& body,
                           const std::function<void()>& before_hang_up);

} // namespace rerank::test
