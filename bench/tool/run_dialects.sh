#!/usr/bin/env bash
# rerank-bench against the emulator in every dialect: the client's CPU per request and the
# latency, the same load in each (plain HTTP on loopback, no key). What issue #12 asks to state
# next to DashScope's. Starts one emulator per dialect on a free port and stops it.
#
#   bench/tool/run_dialects.sh BUILD_DIR [SECONDS=5] [DOCUMENTS=100] [DOC_BYTES=200]
# Prints one line per dialect: requests/s, client CPU µs per request, p50 and p99 latency.
set -euo pipefail
build=$(cd "${1:?usage: run_dialects.sh BUILD_DIR [SECONDS] [DOCUMENTS] [DOC_BYTES]}" && pwd)
seconds=${2:-5}
documents=${3:-100}
doc_bytes=${4:-200}
work=$(mktemp -d)
emulator_pid=
cleanup() {
    [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf '%-17s %9s %14s %9s %9s\n' dialect "calls/s" "CPU us/call" "p50 ms" "p99 ms"
for dialect in dashscope dashscope-native cohere jina voyage tei nim; do
    args=(--port 0 --no-auth)
    [ "$dialect" != dashscope ] && [ "$dialect" != dashscope-native ] && args+=(--dialect "$dialect")
    "$build/src/emulator/rerank-emulator" "${args[@]}" >"$work/emulator.out" 2>&1 &
    emulator_pid=$!
    for _ in $(seq 200); do
        grep -q '^listening on' "$work/emulator.out" && break
        sleep 0.05
    done
    root=$(sed -n 's/^listening on //p' "$work/emulator.out")
    case $dialect in
    dashscope) base=$root/compatible-api/v1 ;;
    dashscope-native) base=$root/api/v1 ;;
    cohere) base=$root/v2 ;;
    tei) base=$root ;;
    *) base=$root/v1 ;;
    esac
    extra=()
    [ "$dialect" = nim ] && extra=(--model nvidia/llama-3.2-nv-rerankqa-1b-v2)
    "$build/bench/tool/rerank-bench" --base-url "$base" --dialect "$dialect" "${extra[@]}" \
        --documents "$documents" --doc-bytes "$doc_bytes" --concurrency 8 --duration "$seconds" \
        --json >"$work/result.json"
    python3 - "$dialect" "$work/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[2]))
print("%-17s %9.0f %14.1f %9.2f %9.2f  %s" % (sys.argv[1], r["requests_per_s"],
      r["cpu_us_per_request"], r["latency_ms"]["p50"], r["latency_ms"]["p99"],
      "errors: %s" % r["errors"] if r["errors"] else ""))
PY
    kill "$emulator_pid"
    wait "$emulator_pid" 2>/dev/null || true
    emulator_pid=
done
