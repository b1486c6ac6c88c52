// Drives calls through one rerank::client: a closed loop (N workers, each calling again as soon
// as its last call completes) or an open loop (calls due on a fixed schedule).
#pragma once

#include "bench_options.hpp"
#include "load_result.hpp"

#include <rerank/client_options.hpp>
#include <rerank/request.hpp>

namespace rerank::bench {

/// Client options for a load run: the endpoint, dialect, CA and API key of `o` (the key left
/// to the client, from the dialect's variables, without `--api-key-env`), a pool of
/// `o.connections`, and no retries (a load generator reports failures; it does not hide them).
rerank::client_options client_options_for(const bench_options& o);

/// Runs the load `o` describes, sending `req` on every call, and returns what the measured
/// window saw. Blocks until the window has closed and every call has completed; prints a
/// progress line on stderr once a second when stderr is a terminal.
///
/// The window opens `o.warmup_s` after the start and closes after `o.duration_s`, or when the
/// `o.requests`-th call completes in it; calls still in flight then are cancelled and not counted.
load_result run_load(const bench_options& o, const rerank::client_options& client_opts,
                     const rerank::request& req);

} // namespace rerank::bench
