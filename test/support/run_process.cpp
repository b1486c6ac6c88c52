#include "support/run_process.hpp"

#include "support/paths.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <sys/wait.h>
#include <system_error>
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
    // The process's input and outputs live in a directory of their own, removed on return
    // (scripts/test.sh fails when tests leave anything in $TMPDIR).
    std::string pattern = (fs::temp_directory_path() / "rerank-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
        throw std::runtime_error("mkdtemp failed");
    struct remove_on_return {
        fs::path dir;
        ~remove_on_return() {
            std::error_code ignored;
            fs::remove_all(dir, ignored);
        }
    } const guard{pattern};
    const std::string stem = (guard.dir / "process").string();
    { std::ofstream(stem + ".in", std::ios::binary) << input; }
    const std::string line = "timeout " + std::to_string(seconds) + " /bin/sh -c " +
                             shell_quote(command) + " < " + stem + ".in > " + stem + ".out 2> " +
                             stem + ".err";
    const int status = std::system(line.c_str());
    process_result result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_file(stem + ".out");
    result.err = read_file(stem + ".err");
    return result;
}

} // namespace rerank::test
