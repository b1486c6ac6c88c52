// A rerank request as the emulator understood it, and the ways it can be refused.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rerank::emulator::detail {

/// The emulator's parsed view of a rerank request, in either dialect. The views point into the
/// parsed JSON body and live as long as it does.
struct parsed_request {
    std::string_view model;
    std::string_view query;
    std::vector<std::string_view> documents;
    std::optional<std::string_view> instruct;
    std::optional<std::size_t> top_n;
    /// Native dialect's `parameters.return_documents` (default false). The compatible dialect
    /// always echoes documents.
    bool return_documents = false;
};

/// A refusal, rendered in the dialect's error shape by `error_body`.
struct api_error {
    unsigned status = 400;
    /// The provider code: "InvalidParameter", "InvalidApiKey"... (see `error_body` for how each
    /// dialect spells it).
    std::string code;
    std::string message;
};

} // namespace rerank::emulator::detail
