// The bytes of one HTTP request, head and body contiguous, built without copying the body.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rerank::detail {

/// What goes into the request head besides the body's length.
struct request_head_fields {
    /// "/compatible-api/v1/reranks"; absolute-form ("http://host/...") through a proxy
    std::string_view target;
    std::string_view host;       ///< Host header value
    std::string_view api_key;    ///< sent as "Authorization: Bearer <key>" when non-empty
    std::string_view user_agent; ///< omitted when empty
    std::string_view workspace;  ///< "X-DashScope-WorkSpace", omitted when empty
    bool accept_gzip = false;    ///< sends "Accept-Encoding: gzip"
    /// "Proxy-Authorization" (plain http through a proxy that wants credentials), omitted when
    /// empty
    std::string_view proxy_authorization = {};
};

/// One buffer holding `head + body`: the body is encoded after a reserved gap, then the head
/// is written into the end of the gap. The whole request then leaves in one write (one TLS
/// record run, no Nagle stall), and the document text is copied exactly once: into the body.
/// Reused across requests, so it allocates only while growing.
class request_buffer {
public:
    /// Starts a request; returns the string to append the body to.
    std::string& start_body(const request_head_fields& fields);
    /// Writes the head in front of the body appended since `start_body`.
    void finish(const request_head_fields& fields);

    std::string_view wire() const noexcept { return std::string_view(data_).substr(head_begin_); }
    std::string_view body() const noexcept { return std::string_view(data_).substr(gap_); }

private:
    static std::size_t head_bound(const request_head_fields& fields) noexcept;
    void write_head(std::string& out, const request_head_fields& fields) const;

    std::string data_;
    std::string scratch_;
    std::size_t gap_ = 0;
    std::size_t head_begin_ = 0;
};

} // namespace rerank::detail
