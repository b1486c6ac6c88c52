#!/usr/bin/env bash
# Builds and runs the pool, retry, cancellation and quota tests (test_unit, test_client,
# test_pool, test_quota)
# under AddressSanitizer+UBSan and ThreadSanitizer, with the `asan` and `tsan` presets of
# CMakePresets.json (build trees in build/asan and build/tsan).
#
#   scripts/run-sanitizers.sh            # both
#   scripts/run-sanitizers.sh asan       # one of them
#
# Environment: JOBS (parallel compilations, and tests at once; default: number of cores).
# Exits non-zero on the first failure.
set -euo pipefail

cd "$(dirname "$0")/.."
presets=("$@")
if [ ${#presets[@]} -eq 0 ]; then
    presets=(asan tsan)
fi
jobs="${JOBS:-$(nproc)}"

for preset in "${presets[@]}"; do
    case "$preset" in
    asan | tsan) ;;
    *)
        echo "unknown preset '$preset' (asan or tsan)" >&2
        exit 2
        ;;
    esac
    start=$(date +%s)
    echo "== $preset: configure"
    cmake --preset "$preset" >/dev/null
    echo "== $preset: build"
    cmake --build --preset "$preset" -j "$jobs"
    built=$(date +%s)
    echo "== $preset: test"
    ctest --preset "$preset" -j "$jobs"
    echo "== $preset: built in $((built - start)) s, tested in $(($(date +%s) - built)) s"
done
