#include "http/io_error.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <string>

namespace rerank::detail {

namespace net = boost::asio;
namespace beast = boost::beast;

error_code classify_io_error(const error_code& io, std::string_view phase, diagnostics& diag) {
    diag.client_message = std::string(phase) + " failed: " + io.message();
    if (io == beast::error::timeout) {
        diag.client_message = std::string(phase) + " timed out";
        return errc::timeout;
    }
    if (io == net::error::operation_aborted)
        return errc::cancelled;
    if (io.category() ==
        beast::http::make_error_code(beast::http::error::end_of_stream).category()) {
        // Truncated bodies (end of stream mid-message) are connection failures; the rest
        // are malformed HTTP.
        if (io == beast::http::error::end_of_stream || io == beast::http::error::partial_message)
            return errc::connection_failed;
        return errc::bad_response;
    }
    if (io == net::ssl::error::stream_truncated)
        return errc::connection_failed;
    if (io.category() == net::error::get_ssl_category() ||
        io.category() == net::ssl::error::get_stream_category())
        return errc::tls_failure; // (unexpected_result: an SSL_get_error we never ask for)
    return errc::connection_failed;
}

} // namespace rerank::detail
