#include <rerank/diagnostics.hpp>
#include <rerank/error.hpp>
#include <rerank/error_with_diagnostics.hpp>

#include "text/printable.hpp"

#include <ostream>
#include <string>

namespace rerank {
namespace {

class rerank_category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "rerank"; }

    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::invalid_request:
            return "invalid request (refused before sending)";
        case errc::bad_request:
            return "the server rejected the request";
        case errc::authentication_failed:
            return "authentication failed: check the API key and that it belongs to this region";
        case errc::permission_denied:
            return "permission denied for this model or workspace";
        case errc::not_found:
            return "not found: check the model name, base URL and region";
        case errc::request_too_large:
            return "request body too large for the server";
        case errc::rate_limited:
            return "rate limited by the server; retry later";
        case errc::quota_exceeded:
            return "quota exceeded or account in arrears (billing)";
        case errc::server_error:
            return "the server failed or is overloaded";
        case errc::redirect_not_followed:
            return "the server redirected; redirects are not followed";
        case errc::unexpected_status:
            return "unexpected HTTP status";
        case errc::bad_response:
            return "malformed or inconsistent response";
        case errc::timeout:
            return "timed out";
        case errc::tls_failure:
            return "TLS failure (certificate or handshake)";
        case errc::connection_failed:
            return "connection failed";
        case errc::cancelled:
            return "cancelled";
        case errc::quota_store_unavailable:
            return "the shared quota store did not answer; check the Redis server";
        }
        return "unknown rerank error";
    }
};

} // namespace

const boost::system::error_category& error_category() noexcept {
    static const rerank_category category;
    return category;
}

const char* to_string(errc e) noexcept {
    switch (e) {
    case errc::invalid_request:
        return "invalid_request";
    case errc::bad_request:
        return "bad_request";
    case errc::authentication_failed:
        return "authentication_failed";
    case errc::permission_denied:
        return "permission_denied";
    case errc::not_found:
        return "not_found";
    case errc::request_too_large:
        return "request_too_large";
    case errc::rate_limited:
        return "rate_limited";
    case errc::quota_exceeded:
        return "quota_exceeded";
    case errc::server_error:
        return "server_error";
    case errc::redirect_not_followed:
        return "redirect_not_followed";
    case errc::unexpected_status:
        return "unexpected_status";
    case errc::bad_response:
        return "bad_response";
    case errc::timeout:
        return "timeout";
    case errc::tls_failure:
        return "tls_failure";
    case errc::connection_failed:
        return "connection_failed";
    case errc::cancelled:
        return "cancelled";
    case errc::quota_store_unavailable:
        return "quota_store_unavailable";
    }
    return "unknown";
}

std::ostream& operator<<(std::ostream& out, errc e) {
    return out << to_string(e);
}

// Every field but the status and the attempt count may hold what a server sent: the whole line
// is escaped once, which is the same as escaping each field (the separators are printable ASCII),
// and the location, a URL, loses its user info and query first.
std::string diagnostics::to_string() const {
    std::string out;
    auto add = [&out](std::string_view part) {
        if (!out.empty())
            out += ", ";
        out += part;
    };
    if (http_status != 0)
        add("HTTP " + std::to_string(http_status));
    if (!provider_code.empty())
        add("code " + provider_code);
    if (!request_id.empty())
        add("request id " + request_id);
    if (attempts > 1)
        add(std::to_string(attempts) + " attempts");
    if (throttled > 0)
        add(std::to_string(throttled) + " throttled");
    std::string text = !provider_message.empty() ? provider_message : client_message;
    if (!location.empty())
        text +=
            (text.empty() ? "" : "; ") + std::string("location: ") + text::printable_url(location);
    if (!body_snippet.empty() && provider_message.empty())
        text += (text.empty() ? "" : "; ") + std::string("body: ") + body_snippet;
    if (!quota_note.empty())
        text += (text.empty() ? "" : "; ") + std::string("quota: ") + quota_note;
    if (!limits_note.empty())
        text += (text.empty() ? "" : "; ") + std::string("limits: ") + limits_note;
    if (!text.empty())
        out += out.empty() ? text : ": " + text;
    return text::printable(out);
}

namespace {
std::string what_of(error_code ec, const diagnostics& diag) {
    std::string out = ec.category() == error_category() ? to_string(static_cast<errc>(ec.value()))
                                                        : ec.category().name();
    out += ": ";
    out += ec.message();
    std::string details = diag.to_string();
    if (!details.empty())
        out += " (" + details + ")";
    return out;
}
} // namespace

error_with_diagnostics::error_with_diagnostics(error_code ec, rerank::diagnostics diag)
    : boost::system::system_error(ec)
    , diag_(std::move(diag))
    , message_(what_of(ec, diag_)) {}

void throw_on_error(error_code ec, const diagnostics& diag) {
    if (ec)
        throw error_with_diagnostics(ec, diag);
}

} // namespace rerank
