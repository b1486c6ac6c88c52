#include "cli/output.hpp"

#include "codec/json_writer.hpp"
#include "text/printable.hpp"
#include "text/utf8.hpp"

#include <charconv>
#include <cstdio>

namespace rerank::cli {

namespace {
// Shortest text that reads back as the same double ("0.5809023115941", not "5.809E-1").
void append_number(std::string& out, double value) {
    char digits[32];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, ec == std::errc() ? end : digits);
}

// The JSON writer escapes what JSON requires (C0 controls, quote, backslash); for a terminal,
// DEL and the C1 controls (U+0080..U+009F, CSI among them) are escaped too: \u007f, \u009b.
void append_json_text(std::string& out, std::string_view text) {
    const std::size_t start = out.size();
    detail::append_json_string(out, text);
    for (std::size_t i = start; i < out.size(); ++i) {
        const auto byte = static_cast<unsigned char>(out[i]);
        // In well-formed UTF-8, C2 followed by 80..9F is exactly U+0080..U+009F.
        const bool c1 =
            byte == 0xC2 && i + 1 < out.size() && static_cast<unsigned char>(out[i + 1]) < 0xA0;
        if (byte != 0x7F && !c1)
            continue;
        char escape[7];
        std::snprintf(escape, sizeof escape, "\\u%04x",
                      c1 ? static_cast<unsigned char>(out[i + 1]) : 0x7Fu);
        out.replace(i, c1 ? 2 : 1, escape, 6);
        i += 5;
    }
}
} // namespace

void write_response_json(std::ostream& out, const rerank::response& res,
                         const rerank::diagnostics& diag) {
    std::string text;
    text.append("{\"model\":");
    append_json_text(text, res.model);
    // What relevance_score measures (probability or logit), beside the scores it describes.
    text.append(",\"score_kind\":\"").append(to_string(res.score_kind)).append("\"");
    text.append(",\"results\":[");
    for (std::size_t i = 0; i < res.results.size(); ++i) {
        const auto& r = res.results[i];
        text.append(i ? ",{\"index\":" : "{\"index\":").append(std::to_string(r.index));
        text.append(",\"relevance_score\":");
        append_number(text, r.relevance_score);
        text.append(",\"document\":");
        append_json_text(text, r.document);
        text.push_back('}');
    }
    text.append("],\"usage\":{\"total_tokens\":").append(std::to_string(res.usage.total_tokens));
    text.append("},\"requests\":").append(std::to_string(res.requests));
    text.append(",\"throttled\":").append(std::to_string(diag.throttled));
    text.append(",\"admission_wait_ms\":");
    append_number(text, static_cast<double>(diag.admission_wait.count()) / 1000);
    if (!diag.limits_note.empty()) {
        text.append(",\"limits_note\":");
        append_json_text(text, diag.limits_note);
    }
    text.append("}\n");
    out << text;
}

// Documents and the model name are escaped: the model comes from the server, and a document's
// control characters would garble the table (JSON output escapes them its own way).
void write_response_table(std::ostream& out, const rerank::response& res,
                          const rerank::diagnostics& diag) {
    constexpr std::size_t shown_bytes = 72;
    std::string table = "rank  index   score   document\n";
    for (std::size_t i = 0; i < res.results.size(); ++i) {
        const auto& r = res.results[i];
        char line[64];
        std::snprintf(line, sizeof line, "%4zu  %5zu  %.4f  ", i + 1, r.index, r.relevance_score);
        table += line;
        std::string_view doc = r.document;
        if (doc.size() > shown_bytes) {
            // Not inside a UTF-8 sequence.
            text::append_printable(table, doc.substr(0, utf8::floor_boundary(doc, shown_bytes)));
            table.append("...");
        } else {
            text::append_printable(table, doc);
        }
        table.push_back('\n');
    }
    table += "model " + text::printable(res.model) + ", " + std::to_string(res.requests) +
             (res.requests == 1 ? " request, " : " requests, ") +
             std::to_string(res.usage.total_tokens) + " tokens";
    if (diag.throttled > 0)
        table += ", " + std::to_string(diag.throttled) + " throttled (waited out)";
    if (diag.admission_wait.count() > 0)
        table += ", paced: requests waited " +
                 std::to_string((diag.admission_wait.count() + 999) / 1000) + " ms in all";
    table.push_back('\n');
    if (!diag.quota_note.empty())
        table += "quota: " + text::printable(diag.quota_note) + "\n";
    if (!diag.limits_note.empty())
        table += "limits: " + text::printable(diag.limits_note) + "\n";
    out << table;
}

int exit_code_for(rerank::error_code ec) {
    if (ec.category() != rerank::error_category())
        return exit_network;
    switch (static_cast<rerank::errc>(ec.value())) {
    case errc::invalid_request:
        return exit_bad_input;
    case errc::timeout:
    case errc::tls_failure:
    case errc::connection_failed:
    case errc::cancelled:
    case errc::quota_store_unavailable:
        return exit_network;
    default:
        return exit_api_error;
    }
}

} // namespace rerank::cli
