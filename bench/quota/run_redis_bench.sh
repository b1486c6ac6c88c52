#!/usr/bin/env bash
# Starts a redis-server of its own on a free loopback port (persisting nothing), runs
# bench_quota_redis against it with the arguments given, and stops it.
#   bench/quota/run_redis_bench.sh BUILD_DIR [--processes 8] [--in-flight 32] [--seconds 5] ...
set -euo pipefail
build=${1:?usage: run_redis_bench.sh BUILD_DIR [bench_quota_redis arguments]}
shift
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --loglevel warning >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 200); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.05
done
echo "redis-server $(redis-server --version | grep -o 'v=[0-9.]*') on port $port"
"$build/bench/quota/bench_quota_redis" --url "redis://127.0.0.1:$port" "$@"
