// An HTTP response parser that keeps only what the client needs.
#pragma once

#include "http/body_buffer.hpp"

#include <boost/beast/http/basic_parser.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace rerank::detail {

/// The parts of an HTTP response the client uses. Owned by a connection and reused for every
/// exchange on it, so strings keep their capacity and a response costs no allocation once warm.
struct response_message {
    unsigned status = 0;
    body_buffer body;
    std::string retry_after;    ///< `Retry-After` (seconds or HTTP date)
    std::string retry_after_ms; ///< `retry-after-ms`
    std::string location;       ///< `Location` of a 3xx
    std::string request_id;     ///< `x-request-id` / `x-dashscope-request-id` / `req-id`
    /// `Content-Encoding`, every field of it joined by ", " (so a stacked coding shows)
    std::string content_encoding;
    bool keep_alive = false;
    /// Header (and trailer) fields seen, for the exchange's limit.
    std::size_t fields = 0;

    void clear() {
        status = 0;
        body.clear();
        retry_after.clear();
        retry_after_ms.clear();
        location.clear();
        request_id.clear();
        content_encoding.clear();
        keep_alive = false;
        fields = 0;
    }
};

/// A Beast parser that writes into a `response_message` instead of building a `fields`
/// container (which allocates per header). One parser per exchange; the message outlives it.
class response_parser final : public boost::beast::http::basic_parser<false> {
public:
    explicit response_parser(response_message& msg)
        : msg_(msg) {
        msg_.clear();
    }

private:
    using field = boost::beast::http::field;
    using verb = boost::beast::http::verb;
    using error_code = boost::beast::error_code;
    using sv = boost::beast::string_view;

    void on_request_impl(verb, sv, sv, int, error_code&) override {}
    void on_response_impl(int code, sv, int, error_code&) override {
        msg_.status = static_cast<unsigned>(code);
    }
    void on_field_impl(field name, sv name_string, sv value, error_code&) override;
    void on_header_impl(error_code&) override { msg_.keep_alive = keep_alive(); }
    void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
        if (length)
            msg_.body.reserve(static_cast<std::size_t>(*length));
    }
    std::size_t on_body_impl(sv data, error_code&) override {
        msg_.body.append(data.data(), data.size());
        return data.size();
    }
    void on_chunk_header_impl(std::uint64_t, sv, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, sv data, error_code&) override {
        msg_.body.append(data.data(), data.size());
        return data.size();
    }
    void on_finish_impl(error_code&) override { msg_.keep_alive = keep_alive(); }

    response_message& msg_;
};

} // namespace rerank::detail
