#include <rerank/emulator/header_fields.hpp>

#include <boost/beast/core/string.hpp>

namespace rerank::emulator {

std::optional<std::string_view> find_header(const header_fields& fields,
                                            std::string_view name) noexcept {
    for (const auto& [field, value] : fields)
        if (boost::beast::iequals(field, name))
            return std::string_view(value);
    return std::nullopt;
}

} // namespace rerank::emulator
