#!/usr/bin/env bash
# Soak test: rerank-bench for MINUTES (default 10) against rerank-emulator with faults (every
# 50th request: a 503, a dropped connection, a reset or truncated body, malformed JSON, a
# delay, in turn), idle keep-alive connections closed by the server after 100 ms and every
# connection closed after 200 responses. Samples the bench process's resident memory and open
# file descriptors every few seconds and fails if either keeps growing after warm-up: the
# largest sample of the last third of the run above the largest of the second third by more
# than a tolerance (RSS: 10% + 2 MiB; descriptors: 10% + 4). The first third is warm-up.
# Prints the samples, the bench's summary and the verdict. Not part of CI (scripts/test.sh).
#
#   scripts/soak.sh            # 10 minutes
#   scripts/soak.sh 2          # 2 minutes
#
# Environment: RERANK_BUILD_DIR (default build/release; configured as scripts/test.sh does if
# needed), SOAK_INTERVAL (seconds between samples, default 5), SOAK_RATE (calls/s, default
# 400), SOAK_CONCURRENCY (calls in flight at most, default 32).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
minutes=${1:-10}
interval=${SOAK_INTERVAL:-5}
build=${RERANK_BUILD_DIR:-$root/build/release}
if [ ! -f "$build/build.ninja" ]; then
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRERANK_WARNINGS_AS_ERRORS=ON >/dev/null
fi
cmake --build "$build" --target rerank-bench rerank-emulator >/dev/null

work=$(mktemp -d)
emulator_pid="" bench_pid=""
cleanup() {
    [ -n "$bench_pid" ] && kill "$bench_pid" 2>/dev/null || true
    [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$build/src/emulator/rerank-emulator" --port 0 --approximate-tokens --idle-close-after 100 \
    --close-after-responses 200 --fault-every 50 >"$work/emulator.out" 2>&1 &
emulator_pid=$!
for _ in $(seq 100); do
    grep -q '^listening on' "$work/emulator.out" && break
    sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$work/emulator.out")
[ -n "$url" ] || { echo "the emulator did not start:" >&2; cat "$work/emulator.out" >&2; exit 1; }

SOAK_KEY=emulator-key "$build/bench/tool/rerank-bench" --base-url "$url/compatible-api/v1" \
    --api-key-env SOAK_KEY --rate "${SOAK_RATE:-400}" --concurrency "${SOAK_CONCURRENCY:-32}" \
    --duration $((minutes * 60)) --warmup 0 --documents 10 --doc-bytes 200 \
    >"$work/bench.out" 2>&1 &
bench_pid=$!

# Samples: seconds since start, RSS in KiB, open descriptors.
start=$(date +%s)
samples=()
while kill -0 "$bench_pid" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$bench_pid/status" 2>/dev/null || true)
    fds=$(ls "/proc/$bench_pid/fd" 2>/dev/null | wc -l)
    [ -n "$rss" ] && samples+=("$(($(date +%s) - start)) $rss $fds")
    sleep "$interval"
done
bench_status=0
wait "$bench_pid" || bench_status=$?
bench_pid=""

printf '%8s %10s %6s\n' seconds rss_kib fds
printf '%s\n' "${samples[@]}" | awk '{printf "%8d %10d %6d\n", $1, $2, $3}'
echo "== rerank-bench (exit $bench_status):"
cat "$work/bench.out"
printf '%s\n' "${samples[@]}" | awk '
    { t[NR] = $1; rss[NR] = $2; fds[NR] = $3 }
    function peak(a, from, to,   m, i) { m = 0; for (i = from; i <= to; ++i) if (a[i] > m) m = a[i]; return m }
    END {
        n = NR
        if (n < 6) { print "verdict: FAIL (only " n " samples: run longer)"; exit 1 }
        a = int(n / 3) + 1; b = int(2 * n / 3)  # second third: a..b; last third: b+1..n
        r2 = peak(rss, a, b); r3 = peak(rss, b + 1, n)
        f2 = peak(fds, a, b); f3 = peak(fds, b + 1, n)
        rss_grows = r3 > r2 * 1.10 + 2048
        fds_grow = f3 > f2 * 1.10 + 4
        printf "RSS: max %d KiB in the second third, %d KiB in the last (%+.1f%%)%s\n", r2, r3, 100 * (r3 - r2) / r2, rss_grows ? ": GROWING" : ""
        printf "descriptors: max %d in the second third, %d in the last%s\n", f2, f3, fds_grow ? ": GROWING" : ""
        if (rss_grows || fds_grow) { print "verdict: FAIL"; exit 1 }
        print "verdict: PASS"
    }'
if [ "$bench_status" != 0 ]; then
    echo "verdict: FAIL (rerank-bench exited with $bench_status)" >&2
    exit 1
fi
