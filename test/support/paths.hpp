// Where tests find their data and the project's executables.
#pragma once

#include <string>

namespace rerank::test {

/// `test/data/<name>` in the source tree.
std::string data_path(const std::string& name);
/// The build tree's path of an executable target's output (e.g. "src/cli/rerank").
std::string binary_path(const std::string& relative);
/// The whole content of a file; throws std::runtime_error when unreadable.
std::string read_file(const std::string& path);

} // namespace rerank::test
