#include <rerank/client_options.hpp>

#include <cstdlib>
#include <string>

namespace rerank {

std::string api_key_from_environment(const char* variable) {
    const char* value = std::getenv(variable);
    return value ? std::string(value) : std::string();
}

std::string api_key_from_environment(rerank::dialect d) {
    for (std::string_view name : api_key_variables(d))
        if (const char* value = std::getenv(std::string(name).c_str()))
            return value;
    return {};
}

} // namespace rerank
