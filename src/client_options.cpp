#include <rerank/client_options.hpp>

#include <cstdlib>

namespace rerank {

std::string api_key_from_environment(const char* variable) {
    const char* value = std::getenv(variable);
    return value ? std::string(value) : std::string();
}

} // namespace rerank
