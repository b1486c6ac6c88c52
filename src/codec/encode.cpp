#include "codec/encode.hpp"

#include "codec/json_writer.hpp"

namespace rerank::detail {
namespace {

// The one description of both bodies, written to a string or only measured (json_writer.hpp's
// sinks), so the size and the bytes cannot disagree.
template <class Sink>
void write_request(rerank::dialect d, const wire_request& req, Sink& sink) {
    basic_json_writer<Sink> w(sink);
    const bool native = d == rerank::dialect::dashscope_native;

    w.begin_object();
    w.key("model");
    w.string(req.model);
    if (native) {
        w.key("input");
        w.begin_object();
    }
    w.key("query");
    w.string(req.query);
    w.key("documents");
    w.begin_array();
    for (const std::string& doc : req.documents)
        w.string(doc);
    w.end_array();
    if (native) {
        w.end_object(); // input
        if (req.top_n || req.return_documents || req.instruct) {
            w.key("parameters");
            w.begin_object();
        }
    }
    if (req.top_n) {
        w.key("top_n");
        w.number(*req.top_n);
    }
    if (native && req.return_documents) {
        w.key("return_documents");
        w.boolean(*req.return_documents);
    }
    if (req.instruct) {
        w.key("instruct");
        w.string(*req.instruct);
    }
    if (native && (req.top_n || req.return_documents || req.instruct))
        w.end_object(); // parameters
    w.end_object();
}

// Everything but the text of the strings: keys and punctuation of the longer (native) shape,
// with room for top_n's digits and "false".
constexpr std::size_t max_fixed_bytes = 160;

} // namespace

void encode_request(rerank::dialect d, const wire_request& req, std::string& out) {
    out.clear();
    append_request(d, req, out);
}

void append_request(rerank::dialect d, const wire_request& req, std::string& out) {
    // The size without escapes: escapes are rare in real text, so this is almost always enough,
    // and std::string grows geometrically if not. Reserving the exact size would cost a scan of
    // every document.
    std::size_t plain = max_fixed_bytes + req.model.size() + req.query.size() +
                        (req.instruct ? req.instruct->size() : 0);
    for (const std::string& doc : req.documents)
        plain += doc.size() + 3; // quotes and comma
    out.reserve(out.size() + plain);
    string_sink sink(out);
    write_request(d, req, sink);
}

std::size_t encoded_size(rerank::dialect d, const wire_request& req) noexcept {
    size_sink sink;
    write_request(d, req, sink);
    return sink.size();
}

} // namespace rerank::detail
