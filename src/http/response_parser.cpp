#include "http/response_parser.hpp"

#include <boost/beast/core/string.hpp>

namespace rerank::detail {

void response_parser::on_field_impl(field name, sv name_string, sv value, error_code&) {
    ++msg_.fields;
    switch (name) {
    case field::retry_after:
        msg_.retry_after.assign(value.data(), value.size());
        return;
    case field::location:
        msg_.location.assign(value.data(), value.size());
        return;
    case field::content_encoding:
        if (!msg_.content_encoding.empty())
            msg_.content_encoding += ", ";
        msg_.content_encoding.append(value.data(), value.size());
        return;
    default:
        break;
    }
    using boost::beast::iequals;
    if (iequals(name_string, "retry-after-ms"))
        msg_.retry_after_ms.assign(value.data(), value.size());
    else if (msg_.request_id.empty() &&
             (iequals(name_string, "x-request-id") ||
              iequals(name_string, "x-dashscope-request-id") || iequals(name_string, "req-id")))
        msg_.request_id.assign(value.data(), value.size());
}

} // namespace rerank::detail
