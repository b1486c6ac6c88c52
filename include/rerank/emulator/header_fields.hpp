// The header fields of a request, as the emulator saw them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rerank::emulator {

/// Header fields in arrival order, names as sent.
using header_fields = std::vector<std::pair<std::string, std::string>>;

/// The value of the first field named `name` (compared case-insensitively), or nullopt.
std::optional<std::string_view> find_header(const header_fields& fields,
                                            std::string_view name) noexcept;

} // namespace rerank::emulator
