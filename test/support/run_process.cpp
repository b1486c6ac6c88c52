#include "support/run_process.hpp"

#include "support/paths.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

namespace rerank::test {

std::string shell_quote(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

process_result run_process(const std::string& command, const std::string& input, int seconds) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("rerank-test-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    static int counter = 0;
    const std::string stem = (dir / std::to_string(counter++)).string();
    { std::ofstream(stem + ".in", std::ios::binary) << input; }
    const std::string line = "timeout " + std::to_string(seconds) + " /bin/sh -c " +
                             shell_quote(command) + " < " + stem + ".in > " + stem + ".out 2> " +
                             stem + ".err";
    const int status = std::system(line.c_str());
    process_result result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_file(stem + ".out");
    result.err = read_file(stem + ".err");
    for (const char* ext : {".in", ".out", ".err"})
        fs::remove(stem + ext);
    return result;
}

} // namespace rerank::test
