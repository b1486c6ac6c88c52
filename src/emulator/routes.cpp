#include "emulator/routes.hpp"

namespace rerank::emulator::detail {

std::string_view base_path(rerank::dialect d) noexcept {
    switch (d) {
    case rerank::dialect::dashscope:
        return compatible_base_path;
    case rerank::dialect::dashscope_native:
        return native_base_path;
    case rerank::dialect::cohere:
        return "/v2";
    case rerank::dialect::tei:
        return "";
    case rerank::dialect::jina:
    case rerank::dialect::voyage:
    case rerank::dialect::nim:
        break;
    }
    return "/v1";
}

std::string_view path_of(std::string_view target) noexcept {
    return target.substr(0, target.find('?'));
}

std::optional<rerank::dialect> route(std::string_view target) noexcept {
    const std::string_view path = path_of(target);
    if (path == compatible_endpoint)
        return rerank::dialect::dashscope;
    if (path == native_endpoint)
        return rerank::dialect::dashscope_native;
    return std::nullopt;
}

std::optional<rerank::dialect> route(rerank::dialect served, std::string_view target) noexcept {
    if (is_dashscope(served))
        return route(target);
    const std::string_view path = path_of(target);
    const std::string_view base = base_path(served);
    const std::string_view endpoint = rerank::endpoint_path(served);
    if (path.size() == base.size() + endpoint.size() && path.starts_with(base) &&
        path.ends_with(endpoint))
        return served;
    return std::nullopt;
}

rerank::dialect error_dialect_of(std::string_view target) noexcept {
    if (auto d = route(target))
        return *d;
    return path_of(target).starts_with("/api/") ? rerank::dialect::dashscope_native
                                                : rerank::dialect::dashscope;
}

rerank::dialect error_dialect_of(rerank::dialect served, std::string_view target) noexcept {
    return is_dashscope(served) ? error_dialect_of(target) : served;
}

} // namespace rerank::emulator::detail
