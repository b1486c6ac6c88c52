// Everything of the rerank emulator library (link rerank::emulator).
#pragma once

#include <rerank/emulator/fault.hpp>
#include <rerank/emulator/header_fields.hpp>
#include <rerank/emulator/options.hpp>
#include <rerank/emulator/request_info.hpp>
#include <rerank/emulator/server.hpp>
#include <rerank/emulator/server_stats.hpp>
#include <rerank/emulator/token_count.hpp>
