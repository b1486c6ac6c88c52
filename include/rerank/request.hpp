// What the caller asks the rerank API.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace rerank {

/// One rerank call: a query and the documents to order by relevance to it.
///
/// The request is validated before anything is sent (`errc::invalid_request`): the query and
/// every document must be valid UTF-8, the query non-empty, at least one document, `top_n` >= 1.
/// A request must stay alive and unchanged until its operation completes, and the documents
/// until the caller is done with the response (results view their text).
struct request {
    /// The search query. Required, non-empty.
    std::string query;
    /// The candidate documents, in the caller's order; results refer to them by index.
    std::vector<std::string> documents;
    /// How many results to return, best first. Default (unset): all documents.
    /// A value above the number of documents means all. Sent as `top_n` (Voyage: `top_k`);
    /// TEI and NIM have no such field, so there the server ranks every document and the client
    /// keeps the best `top_n`.
    std::optional<std::size_t> top_n;
    /// The ranking task in natural language (English recommended). Default (unset): the
    /// server's own ("Given a web search query, retrieve relevant passages..."). Only the
    /// DashScope dialects have a field for it; in every other dialect a set instruct fails the
    /// call with `errc::invalid_request` naming the dialect (never dropped silently; the jina
    /// dialect included, since of its servers only SiliconFlow has one, `instruction`).
    std::optional<std::string> instruct;
    /// Whether the server echoes document texts; results carry the caller's own text either
    /// way, so the echo only costs bandwidth. Sent where the API has the field: DashScope native
    /// (`return_documents`, unset: not sent, the server's default false), Jina-style and Voyage
    /// (`return_documents`), TEI (`return_text`); in those three, unset sends `false`. Not sent
    /// in DashScope's compatible dialect, Cohere v2 and NIM, which have no such field (their
    /// answers carry no text, or always do). Default unset.
    std::optional<bool> return_documents;
    /// Overrides `client_options::model` for this call. Default (unset): the client's model.
    std::optional<std::string> model;
    /// Overrides `client_options::timeout` (the whole call's deadline) for this call.
    std::optional<std::chrono::milliseconds> timeout;
};

} // namespace rerank
