// Reading documents from JSON Lines.
#pragma once

#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace rerank::cli {

/// Reads one document per line: `{"text": "..."}` (other fields ignored) or a bare JSON string.
/// A final newline is optional. Any other line (blank, not JSON, no "text" string, invalid
/// UTF-8) is an error naming the line: nothing is skipped, so indices always match lines.
std::optional<std::string> read_json_lines(std::istream& in, std::vector<std::string>& documents);

} // namespace rerank::cli
