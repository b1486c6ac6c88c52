#include "examples/example_fixture.hpp"

#include "support/emulator_fixture.hpp"
#include "support/paths.hpp"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace rerank::test {

example_fixture::example_fixture()
    : server(tls_emulator_options()) {
    server.start();
    std::string pattern =
        (std::filesystem::temp_directory_path() / "rerank-examples-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
        throw std::runtime_error("mkdtemp failed");
    temp_dir_ = pattern;
}

example_fixture::~example_fixture() {
    std::error_code ignored;
    std::filesystem::remove_all(temp_dir_, ignored);
}

std::vector<std::string> example_fixture::env() const {
    return {"RERANK_BASE_URL=" + server.base_url(), "RERANK_CA_FILE=" + cert_path("ca.pem"),
            "DASHSCOPE_API_KEY=" + server.options().api_key};
}

std::string example_fixture::temp_path(const std::string& name) const {
    return temp_dir_ + "/" + name;
}

std::string example_program(const std::string& name) {
    return binary_path("examples/" + name);
}

} // namespace rerank::test
