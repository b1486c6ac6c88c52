// `rerank tokens`: exact Qwen3 token counts (or their proven upper bound) of JSON Lines texts.
#include "cli/json_lines.hpp"
#include "cli/output.hpp"

#include <rerank/qwen3_tokenizer.hpp>
#include <rerank/token_estimate.hpp>

#include <fstream>
#include <iostream>

namespace rerank::cli {

int run_tokens(const std::vector<std::string>& args) {
    tokens_command cmd;
    if (auto problem = parse_tokens_command(args, cmd)) {
        std::cerr << "rerank: " << *problem << "\n";
        return exit_bad_input;
    }
    std::vector<std::string> texts;
    std::optional<std::string> problem;
    if (cmd.path == "-") {
        problem = read_json_lines(std::cin, texts);
    } else {
        std::ifstream in(cmd.path, std::ios::binary);
        if (!in) {
            std::cerr << "rerank: cannot open '" << cmd.path << "'\n";
            return exit_bad_input;
        }
        problem = read_json_lines(in, texts);
    }
    if (problem) {
        std::cerr << "rerank: " << *problem << "\n";
        return exit_bad_input;
    }
    std::string out;
    for (const auto& text : texts) {
        const std::size_t n =
            cmd.estimate ? qwen3_token_upper_bound(text) : qwen3_tokenizer::builtin().count(text);
        out.append("{\"n\":").append(std::to_string(n)).append("}\n");
    }
    std::cout << out;
    return exit_ok;
}

} // namespace rerank::cli
