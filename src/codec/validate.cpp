#include "codec/validate.hpp"

#include "codec/dialect_wire.hpp"

#include "text/utf8.hpp"

#include <string>

namespace rerank::detail {
namespace {

error_code refuse(diagnostics& diag, std::string message) {
    diag.client_message = std::move(message);
    return errc::invalid_request;
}

// "query is not valid UTF-8 (byte offset 5)", or an empty code.
error_code check_utf8(std::string_view text, const std::string& what, diagnostics& diag) {
    const std::size_t offset = utf8::find_invalid(text);
    if (offset == std::string_view::npos)
        return {};
    return refuse(diag, what + " is not valid UTF-8 (byte offset " + std::to_string(offset) + ")");
}

} // namespace

error_code validate_request(const rerank::request& req, diagnostics& diag) {
    // The cheap structural checks first, so the message names the most basic problem.
    if (req.query.empty())
        return refuse(diag, "the query is empty");
    if (req.documents.empty())
        return refuse(diag, "there are no documents");
    if (req.top_n && *req.top_n == 0)
        return refuse(diag, "top_n is 0 (it must be at least 1, or unset for all documents)");
    if (req.model && req.model->empty())
        return refuse(diag, "the model override is empty (leave it unset for the client's model)");

    if (auto ec = check_utf8(req.query, "the query", diag))
        return ec;
    if (req.model) {
        if (auto ec = check_utf8(*req.model, "the model override", diag))
            return ec;
    }
    if (req.instruct) {
        if (auto ec = check_utf8(*req.instruct, "instruct", diag))
            return ec;
    }
    for (std::size_t i = 0; i != req.documents.size(); ++i) {
        const std::size_t offset = utf8::find_invalid(req.documents[i]);
        if (offset != std::string_view::npos)
            return refuse(diag, "document " + std::to_string(i) +
                                    " is not valid UTF-8 (byte offset " + std::to_string(offset) +
                                    ")");
    }
    return {};
}

error_code check_dialect_request(rerank::dialect d, const rerank::request& req, diagnostics& diag) {
    if (req.instruct && wire_of(d).instruct_key.empty())
        return refuse(diag, "instruct is set, but the " + std::string(to_string(d)) +
                                " dialect's API has no field for it; it would be ignored, so the "
                                "call is refused (leave instruct unset, or put the task in the "
                                "query)");
    return {};
}

error_code validate_header_value(std::string_view what, std::string_view value, diagnostics& diag) {
    for (std::size_t i = 0; i != value.size(); ++i) {
        const auto c = static_cast<unsigned char>(value[i]);
        if ((c < 0x20 && c != '\t') || c == 0x7F) {
            // Name the kind of character, never the value: it may be the API key.
            const char* kind = c == '\r'   ? "a carriage return (CR)"
                               : c == '\n' ? "a line feed (LF)"
                               : c == 0    ? "a NUL byte"
                                           : "a control character";
            return refuse(diag, std::string(what) + " contains " + kind + " at byte offset " +
                                    std::to_string(i) + "; it cannot be sent in an HTTP header");
        }
    }
    return {};
}

} // namespace rerank::detail
