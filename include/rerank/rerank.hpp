// Everything of the rerank client library in one include: the client, its options, requests
// and responses, errors and diagnostics, batching limits and the Qwen3 token counters.
// (The emulator's headers are not included: see <rerank/emulator/emulator.hpp>.)
#pragma once

#include <rerank/batch_plan.hpp>
#include <rerank/cache_options.hpp>
#include <rerank/cache_stats.hpp>
#include <rerank/client.hpp>
#include <rerank/client_options.hpp>
#include <rerank/diagnostics.hpp>
#include <rerank/dialect.hpp>
#include <rerank/error.hpp>
#include <rerank/error_with_diagnostics.hpp>
#include <rerank/limits.hpp>
#include <rerank/observer.hpp>
#include <rerank/pool_options.hpp>
#include <rerank/pool_stats.hpp>
#include <rerank/proxy_options.hpp>
#include <rerank/qwen3_tokenizer.hpp>
#include <rerank/rate_limit_options.hpp>
#include <rerank/request.hpp>
#include <rerank/response.hpp>
#include <rerank/retry_policy.hpp>
#include <rerank/score_cache.hpp>
#include <rerank/tls_options.hpp>
#include <rerank/token_estimate.hpp>
