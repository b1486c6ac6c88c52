// The CLI's JSON Lines reader (src/cli/json_lines.cpp): any bytes as the documents file.
//
// Required: no crash; on success one document per line (a final newline optional), each valid
// UTF-8; on failure a message naming the line ("line N: ...", N within the input) or saying the
// input could not be read.
#include "cli/json_lines.hpp"
#include "fuzz_support.hpp"

#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::istringstream in{std::string(input)};
    std::vector<std::string> documents;
    const auto error = rerank::cli::read_json_lines(in, documents);

    std::size_t lines = 0;
    for (const char c : input)
        lines += c == '\n';
    if (!input.empty() && input.back() != '\n')
        ++lines;
    if (error) {
        if (error->rfind("line ", 0) != 0)
            rerank::fuzz::fail("json_lines", "an error that names no line", input);
        const std::size_t line = std::stoul(error->substr(5));
        if (line == 0 || line > lines || line != documents.size() + 1)
            rerank::fuzz::fail("json_lines", "an error naming the wrong line", input);
        return 0;
    }
    if (documents.size() != lines)
        rerank::fuzz::fail("json_lines", "not one document per line", input);
    for (const auto& d : documents)
        if (!rerank::utf8::is_valid(d))
            rerank::fuzz::fail("json_lines", "a document that is not valid UTF-8", input);
    return 0;
}
