#!/usr/bin/env bash
# Builds everything and runs every test: the Release build with warnings as errors (unit,
# codec, tokenizer, batch, emulator, client integration, pool, nginx, CLI, examples, consumer
# tests), then the pool, retry and cancellation tests under ASan+UBSan and TSan
# (scripts/run-sanitizers.sh). This is what CI runs (.ci/run).
#   RERANK_SKIP_SANITIZERS=1 scripts/test.sh   # the Release part only
#   JOBS=N scripts/test.sh                      # N parallel compilations (default: cores)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${RERANK_BUILD_DIR:-$root/build/release}
start=$(date +%s)

scripts/install-deps.sh
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRERANK_WARNINGS_AS_ERRORS=ON >/dev/null
cmake --build "$build" -j "${JOBS:-$(nproc)}"
echo "== built in $(($(date +%s) - start)) s"
# Tests must clean up after themselves: they run with $TMPDIR a fresh directory that has to be
# empty afterwards.
tests_tmp=$(mktemp -d)
TMPDIR=$tests_tmp ctest --test-dir "$build" --output-on-failure --timeout 900
if [ -n "$(ls -A "$tests_tmp")" ]; then
    echo "tests left files in \$TMPDIR:" >&2
    ls -lAR "$tests_tmp" >&2
    exit 1
fi
rmdir "$tests_tmp"
echo "== release tests done after $(($(date +%s) - start)) s"

if [ "${RERANK_SKIP_SANITIZERS:-0}" != 1 ]; then
    scripts/run-sanitizers.sh
fi
echo "== all done in $(($(date +%s) - start)) s"
