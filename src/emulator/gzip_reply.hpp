// gzip for the emulator's answers, when a request asks for it (`Accept-Encoding: gzip`).
#pragma once

#include "emulator/wire.hpp"

#include <string_view>

namespace rerank::emulator::detail {

/// Whether an `Accept-Encoding` value accepts gzip (RFC 9110 §12.5.3): `gzip` or `x-gzip`, or
/// `*` when gzip is not named, with a weight that is not zero (`gzip;q=0` refuses it).
bool accepts_gzip(std::string_view accept_encoding) noexcept;

/// Compresses `r`'s body with gzip and marks it `Content-Encoding: gzip`, unless it has no
/// body or carries a `Content-Encoding` already (a fault's scripted answer keeps its own).
void gzip_reply(reply& r);

} // namespace rerank::emulator::detail
