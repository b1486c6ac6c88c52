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

/// Whether `d` is one of DashScope's pair (served together).
constexpr bool is_dashscope(rerank::dialect d) noexcept {
    return d == rerank::dialect::dashscope || d == rerank::dialect::dashscope_native;
}

/// The dialect a server with `options::dialect` = `configured` speaks; `dialect::dashscope`
/// stands for DashScope's pair.
constexpr rerank::dialect served_dialect(std::optional<rerank::dialect> configured) noexcept {
    return configured && !is_dashscope(*configured) ? *configured : rerank::dialect::dashscope;
}

/// The path a client's base URL ends with for dialect `d` (the server's root for TEI: "").
/// `base_path(d) + rerank::endpoint_path(d)` is the endpoint.
std::string_view base_path(rerank::dialect d) noexcept;

/// `target` without its query string.
std::string_view path_of(std::string_view target) noexcept;

/// The dialect whose endpoint `target` names on a DashScope server (a query string is
/// ignored); nullopt otherwise.
std::optional<rerank::dialect> route(std::string_view target) noexcept;

/// The same on a server speaking `served` (see `served_dialect`).
std::optional<rerank::dialect> route(rerank::dialect served, std::string_view target) noexcept;

/// The dialect whose error shape answers a request for an unknown `target` on a DashScope
/// server: native for paths under `/api/`, compatible for everything else.
rerank::dialect error_dialect_of(std::string_view target) noexcept;

/// The same on a server speaking `served`: any other dialect answers everything in its own.
rerank::dialect error_dialect_of(rerank::dialect served, std::string_view target) noexcept;

} // namespace rerank::emulator::detail
