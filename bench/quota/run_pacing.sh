#!/usr/bin/env bash
# Pacing against an emulator that throttles like DashScope (a per-minute quota enforced per
# second, 429 Throttling.RateQuota over it). Starts what it needs on free loopback ports (the
# emulator; a redis-server persisting nothing) and stops them.
#
#   bench/quota/run_pacing.sh BUILD_DIR shared [PROCESSES=4] [RPM=1200] [SECONDS=30]
#       PROCESSES rerank-bench processes share one RPM quota through Redis for SECONDS, against
#       an emulator limited to the same RPM. Prints the requests sent (target: RPM/60 x SECONDS,
#       ±5 %; the burst's 95 % comes on top in the first second) and the 429s met (target 0).
#   bench/quota/run_pacing.sh BUILD_DIR adaptive [RUNS=3]
#       The issue's job: `rerank --documents 200 docs --max-documents 2 --concurrency 8`
#       (100 sub-requests) against an emulator at 12 requests/s, with nothing configured (the
#       adaptive rate finds the server's) and with --rpm 648 (10 % under): throttled answers
#       and the time each run took.
set -euo pipefail
build=${1:?usage: run_pacing.sh BUILD_DIR shared|adaptive [...]}
mode=${2:?usage: run_pacing.sh BUILD_DIR shared|adaptive [...]}
shift 2
build=$(cd "$build" && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_emulator RPM: sets $emulator_url.
start_emulator() {
    "$build/src/emulator/rerank-emulator" --port 0 --rpm "$1" >"$work/emulator.out" 2>&1 &
    pids+=($!)
    for _ in $(seq 200); do
        grep -q '^listening on' "$work/emulator.out" && break
        sleep 0.05
    done
    emulator_url="$(sed -n 's/^listening on //p' "$work/emulator.out")/compatible-api/v1"
}

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
export DASHSCOPE_API_KEY=emulator-key

case "$mode" in
shared)
    processes=${1:-4} rpm=${2:-1200} seconds=${3:-30}
    port=$(free_port)
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
        --loglevel warning >/dev/null 2>&1 &
    pids+=($!)
    for _ in $(seq 200); do
        redis-cli -p "$port" ping >/dev/null 2>&1 && break
        sleep 0.05
    done
    start_emulator "$rpm"
    for i in $(seq "$processes"); do
        "$build/bench/tool/rerank-bench" --base-url "$emulator_url" --duration "$seconds" \
            --warmup 0 --concurrency 8 --documents 4 --rpm "$rpm" \
            --quota-redis "redis://127.0.0.1:$port" --quota-key run-pacing --json \
            >"$work/bench.$i.json" &
    done
    wait $(jobs -p | tail -n "$processes")
    python3 - "$work" "$processes" "$rpm" "$seconds" <<'EOF'
import json, pathlib, sys
work, processes, rpm, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
runs = [json.loads(p.read_text()) for p in sorted(pathlib.Path(work).glob("bench.*.json"))]
sent = sum(r["requests"] for r in runs)
throttled = sum(r["throttled"] for r in runs)
target = rpm / 60 * seconds
print(f"{processes} processes sharing {rpm:g} RPM through Redis for {seconds:g} s: "
      f"{sent} requests (target {target:.0f}, {100 * (sent - target) / target:+.1f} %), "
      f"{throttled} throttled; per process: {[r['requests'] for r in runs]}")
EOF
    ;;
adaptive)
    runs=${1:-3}
    python3 -c '
import json
for i in range(200):
    print(json.dumps({"text": f"document {i} about " + ("rerank models" if i % 5 == 0 else "other things")}))
' >"$work/200-docs.jsonl"
    for flags in "" "--rpm 648"; do
        for _ in $(seq "$runs"); do
            start_emulator 720 # a fresh quota each run
            start=$(date +%s.%N)
            out=$("$build/src/cli/rerank" --base-url "$emulator_url" --query "rerank models" \
                --documents "$work/200-docs.jsonl" --max-documents 2 --concurrency 8 $flags)
            end=$(date +%s.%N)
            kill "${pids[-1]}"
            echo "${flags:-nothing configured}: $(echo "$out" | grep -o '"requests":[0-9]*,"throttled":[0-9]*') in $(echo "$end - $start" | bc) s"
        done
    done
    ;;
*)
    echo "unknown mode '$mode' (shared or adaptive)" >&2
    exit 2
    ;;
esac
