#include "support/paths.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace rerank::test {

std::string data_path(const std::string& name) {
    return std::string(RERANK_TEST_DATA_DIR) + "/" + name;
}

std::string binary_path(const std::string& relative) {
    return std::string(RERANK_BINARY_DIR) + "/" + relative;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

} // namespace rerank::test
