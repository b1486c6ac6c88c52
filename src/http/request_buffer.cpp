#include "http/request_buffer.hpp"

#include <charconv>
#include <cstring>

namespace rerank::detail {

std::size_t request_buffer::head_bound(const request_head_fields& f) noexcept {
    // Fixed text of the head plus every variable part and 20 digits of Content-Length.
    return 256 + f.target.size() + f.host.size() + f.api_key.size() + f.user_agent.size() +
           f.workspace.size() + f.proxy_authorization.size();
}

std::string& request_buffer::start_body(const request_head_fields& fields) {
    gap_ = head_bound(fields);
    data_.assign(gap_, ' ');
    return data_;
}

void request_buffer::write_head(std::string& out, const request_head_fields& f) const {
    out.clear();
    out.append("POST ").append(f.target).append(" HTTP/1.1\r\nHost: ").append(f.host);
    out.append("\r\nContent-Type: application/json\r\nAccept: application/json\r\n");
    if (!f.api_key.empty())
        out.append("Authorization: Bearer ").append(f.api_key).append("\r\n");
    if (!f.workspace.empty())
        out.append("X-DashScope-WorkSpace: ").append(f.workspace).append("\r\n");
    if (!f.proxy_authorization.empty())
        out.append("Proxy-Authorization: ").append(f.proxy_authorization).append("\r\n");
    if (!f.user_agent.empty())
        out.append("User-Agent: ").append(f.user_agent).append("\r\n");
    if (f.accept_gzip)
        out.append("Accept-Encoding: gzip\r\n");
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, data_.size() - gap_);
    (void)ec;
    out.append("Content-Length: ").append(digits, end).append("\r\n\r\n");
}

void request_buffer::finish(const request_head_fields& fields) {
    write_head(scratch_, fields);
    // head_bound() always leaves room; the check keeps that a checked fact, not a hope.
    if (scratch_.size() > gap_) {
        data_.replace(0, gap_, scratch_);
        gap_ = scratch_.size();
        head_begin_ = 0;
        return;
    }
    head_begin_ = gap_ - scratch_.size();
    std::memcpy(data_.data() + head_begin_, scratch_.data(), scratch_.size());
}

} // namespace rerank::detail
