#include "emulator/routes.hpp"

namespace rerank::emulator::detail {

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

rerank::dialect error_dialect_of(std::string_view target) noexcept {
    if (auto d = route(target))
        return *d;
    return path_of(target).starts_with("/api/") ? rerank::dialect::dashscope_native
                                                : rerank::dialect::dashscope;
}

} // namespace rerank::emulator::detail
