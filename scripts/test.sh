#!/usr/bin/env bash
# Builds everything and runs every test: the Release build with warnings as errors, the API
# reference (Doxygen, warnings as errors), then the tests (unit,
# codec, tokenizer, batch, emulator, client integration, pool, nginx, CLI, examples, consumer
# tests), then the pool, retry and cancellation tests under ASan+UBSan and TSan
# (scripts/run-sanitizers.sh), then each fuzz target of test/fuzz briefly (scripts/fuzz.sh).
# This is what CI runs (.ci/run).
#   RERANK_SKIP_SANITIZERS=1 scripts/test.sh   # the Release part only
#   RERANK_SKIP_FUZZ=1 scripts/test.sh         # no fuzzing
#   JOBS=N scripts/test.sh                      # N parallel compilations, N tests at once,
#                                               # N fuzz targets at once (default: cores)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${RERANK_BUILD_DIR:-$root/build/release}
start=$(date +%s)

scripts/install-deps.sh
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRERANK_WARNINGS_AS_ERRORS=ON >/dev/null
cmake --build "$build" -j "${JOBS:-$(nproc)}"
echo "== built in $(($(date +%s) - start)) s"
# The API reference: every public symbol documented, Doxygen warnings as errors (a few seconds).
cmake --build "$build" --target docs
# Tests must clean up after themselves: they run with $TMPDIR a fresh directory that has to be
# empty afterwards. with_fresh_tmpdir WHAT COMMAND...
with_fresh_tmpdir() {
    local what=$1 dir
    shift
    dir=$(mktemp -d)
    TMPDIR=$dir "$@"
    if [ -n "$(ls -A "$dir")" ]; then
        echo "$what left files in \$TMPDIR:" >&2
        ls -lAR "$dir" >&2
        exit 1
    fi
    rmdir "$dir"
}
# In parallel: the tests' properties (test/CMakeLists.txt) keep apart those that must be.
with_fresh_tmpdir tests ctest --test-dir "$build" --output-on-failure --timeout 900 -j "${JOBS:-$(nproc)}"
echo "== release tests done after $(($(date +%s) - start)) s"

if [ "${RERANK_SKIP_SANITIZERS:-0}" != 1 ]; then
    scripts/run-sanitizers.sh
fi
if [ "${RERANK_SKIP_FUZZ:-0}" != 1 ]; then
    # Build and run: under 4 minutes on 2 cores with 10 s per target.
    with_fresh_tmpdir fuzzing scripts/fuzz.sh 10
fi
echo "== all done in $(($(date +%s) - start)) s"
