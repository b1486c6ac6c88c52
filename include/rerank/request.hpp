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
    /// A value above the number of documents means all.
    std::optional<std::size_t> top_n;
    /// The ranking task in natural language (English recommended). Default (unset): the
    /// server's own ("Given a web search query, retrieve relevant passages...").
    std::optional<std::string> instruct;
    /// Native dialect only: ask the server to echo document texts. Default (unset): the
    /// server's default (false). Never sent in the compatible dialect, which has no such field.
    /// Results carry the caller's own document text either way.
    std::optional<bool> return_documents;
    /// Overrides `client_options::model` for this call. Default (unset): the client's model.
    std::optional<std::string> model;
    /// Overrides `client_options::timeout` (the whole call's deadline) for this call.
    std::optional<std::chrono::milliseconds> timeout;
};

} // namespace rerank
