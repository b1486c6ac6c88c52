// An HTTPS emulator in the test process and the environment that points a program at it.
#pragma once

#include <rerank/emulator/server.hpp>

#include <string>
#include <vector>

namespace rerank::test {

struct example_fixture {
    example_fixture();
    /// The emulator (test certificate, API key "emulator-key", request-local BM25 scores).
    emulator::server server;
    /// RERANK_BASE_URL, RERANK_CA_FILE and DASHSCOPE_API_KEY for the examples.
    std::vector<std::string> env() const;
    /// A file in a fresh temporary directory of this fixture (removed by the destructor).
    std::string temp_path(const std::string& name) const;
    ~example_fixture();

private:
    std::string temp_dir_;
};

/// The build tree's path of an example program ("basic", "search_service", "batch_job").
std::string example_program(const std::string& name);

} // namespace rerank::test
