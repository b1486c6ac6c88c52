// Runs a command line for a test, with a hard time limit, capturing its output.
#pragma once

#include <string>

namespace rerank::test {

struct process_result {
    int exit_code = -1; ///< 124 when the time limit killed it
    std::string out;
    std::string err;
};

/// Runs `command` with /bin/sh, stdin from `input`, under `timeout <seconds>`.
process_result run_process(const std::string& command, const std::string& input = "",
                           int seconds = 60);

/// Quotes `text` for /bin/sh.
std::string shell_quote(const std::string& text);

} // namespace rerank::test
