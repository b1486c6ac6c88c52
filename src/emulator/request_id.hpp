// Request ids as DashScope makes them: random UUIDs.
#pragma once

#include <string>

namespace rerank::emulator::detail {

/// A random (version 4) UUID, "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx". Thread-safe.
std::string make_request_id();

} // namespace rerank::emulator::detail
