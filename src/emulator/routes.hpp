// Where each dialect's endpoint lives on the server.
#pragma once

#include <rerank/dialect.hpp>

#include <optional>
#include <string_view>

namespace rerank::emulator::detail {

/// The base paths clients put in their base URL.
inline constexpr std::string_view compatible_base_path = "/compatible-api/v1";
inline constexpr std::string_view native_base_path = "/api/v1";

/// The full endpoint paths: base path + `rerank::endpoint_path(dialect)`.
inline constexpr std::string_view compatible_endpoint = "/compatible-api/v1/reranks";
inline constexpr std::string_view native_endpoint =
    "/api/v1/services/rerank/text-rerank/text-rerank";

/// `target` without its query string.
std::string_view path_of(std::string_view target) noexcept;

/// The dialect whose endpoint `target` names (a query string is ignored); nullopt otherwise.
std::optional<rerank::dialect> route(std::string_view target) noexcept;

/// The dialect whose error shape answers a request for an unknown `target`: native for
/// paths under `/api/`, compatible for everything else.
rerank::dialect error_dialect_of(std::string_view target) noexcept;

} // namespace rerank::emulator::detail
