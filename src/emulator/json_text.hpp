// JSON text as web services write it.
#pragma once

#include <boost/json/value.hpp>

#include <string>

namespace rerank::emulator::detail {

/// Serialises `v` like `boost::json::serialize`, except that doubles are written in plain
/// decimal notation ("0.7223950132819352"), the shortest that reads back exactly, where Boost
/// 1.81 writes "7.223950132819352E-1". Both are valid JSON; the plain form is what DashScope
/// sends and what people expect to read in a demo.
std::string to_json_text(const boost::json::value& v);

} // namespace rerank::emulator::detail
