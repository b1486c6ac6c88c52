#include "codec/encode.hpp"

#include "codec/dialect_wire.hpp"
#include "codec/json_writer.hpp"

namespace rerank::detail {
namespace {

// A query or document: a JSON string, or NIM's `{"text": ...}`.
template <class Writer>
void text_item(Writer& w, bool as_object, std::string_view text) {
    if (!as_object)
        return w.string(text);
    w.begin_object();
    w.key("text");
    w.string(text);
    w.end_object();
}

template <class Writer>
void truncation_field(Writer& w, truncation_switch kind, const wire_request& req) {
    const bool refuse = req.oversized == oversized_item_policy::refuse;
    switch (kind) {
    case truncation_switch::none:
        return;
    case truncation_switch::max_tokens_per_doc:
        if (req.max_item_tokens < limits::no_token_cap) {
            w.key("max_tokens_per_doc");
            w.number(req.max_item_tokens);
        }
        return;
    case truncation_switch::boolean_truncation:
        w.key("truncation");
        return w.boolean(!refuse);
    case truncation_switch::boolean_truncate:
        w.key("truncate");
        return w.boolean(!refuse);
    case truncation_switch::end_or_none:
        w.key("truncate");
        return w.string(refuse ? "NONE" : "END");
    }
}

// The one description of every dialect's body, written to a string or only measured
// (json_writer.hpp's sinks), so the size and the bytes cannot disagree.
template <class Sink>
void write_request(rerank::dialect d, const wire_request& req, Sink& sink) {
    const dialect_wire& shape = wire_of(d);
    basic_json_writer<Sink> w(sink);
    const bool native = shape.native_envelope;

    w.begin_object();
    if (shape.sends_model) {
        w.key("model");
        w.string(req.model);
    }
    if (native) {
        w.key("input");
        w.begin_object();
    }
    w.key("query");
    text_item(w, shape.text_objects, req.query);
    w.key(shape.documents_key);
    w.begin_array();
    for (const std::string& doc : req.documents)
        text_item(w, shape.text_objects, doc);
    w.end_array();

    // Plain flags rather than optionals: g++ 12 warns that optionals copied here may be used
    // uninitialised.
    const bool top_n = !shape.top_n_key.empty() && req.top_n.has_value();
    const bool return_documents =
        !shape.return_docs_key.empty() &&
        (req.return_documents.has_value() || shape.return_docs_false_when_unset);
    const bool instruct = !shape.instruct_key.empty() && req.instruct.has_value();
    const bool parameters = native && (top_n || return_documents || instruct);
    if (native) {
        w.end_object(); // input
        if (parameters) {
            w.key("parameters");
            w.begin_object();
        }
    }
    if (top_n) {
        w.key(shape.top_n_key);
        w.number(*req.top_n);
    }
    if (return_documents) {
        w.key(shape.return_docs_key);
        w.boolean(req.return_documents.value_or(false));
    }
    if (instruct) {
        w.key(shape.instruct_key);
        w.string(*req.instruct);
    }
    if (parameters)
        w.end_object(); // parameters
    truncation_field(w, shape.truncation, req);
    w.end_object();
}

// Everything but the text of the strings: keys and punctuation of the longest shape, with room
// for top_n's digits, "false" and the truncation switch.
constexpr std::size_t max_fixed_bytes = 200;
// Per document beside its text: NIM's `{"text":"..."},` is the longest.
constexpr std::size_t max_document_bytes = 12;

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
        plain += doc.size() + max_document_bytes;
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
