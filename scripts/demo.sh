#!/usr/bin/env bash
# The demo: builds the CLI and reranks a bundled sample. With DASHSCOPE_API_KEY set it calls
# DashScope (international region unless DASHSCOPE_BASE_URL says otherwise); without it, it
# starts the local emulator on a free loopback port and calls that.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${RERANK_BUILD_DIR:-$root/build}
query=${1:-"What does a rerank model do?"}

"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target rerank-cli rerank-emulator

cli="$build/src/cli/rerank"
docs="$root/examples/data/sample.jsonl"
if [ -n "${DASHSCOPE_API_KEY:-}" ]; then
    echo "calling DashScope (${DASHSCOPE_BASE_URL:-https://dashscope-intl.aliyuncs.com/compatible-api/v1})" >&2
    exec "$cli" --query "$query" --documents "$docs" --top-n 5 --table \
        ${DASHSCOPE_BASE_URL:+--base-url "$DASHSCOPE_BASE_URL"}
fi

out=$(mktemp)
"$build/src/emulator/rerank-emulator" --port 0 --tls-cert "$root/test/certs/server.pem" \
    --tls-key "$root/test/certs/server.key" --api-key demo-key >"$out" &
emulator=$!
trap 'kill $emulator 2>/dev/null; wait $emulator 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 100); do grep -q listening "$out" && break; sleep 0.05; done
url=$(sed -n 's/^listening on //p' "$out")
[ -n "$url" ] || { echo "the emulator did not start" >&2; exit 1; }
echo "DASHSCOPE_API_KEY is not set: using the local emulator at $url" >&2
RERANK_DEMO_KEY=demo-key "$cli" --query "$query" --documents "$docs" --top-n 5 --table \
    --base-url "$url/compatible-api/v1" --api-key-env RERANK_DEMO_KEY --ca-file "$root/test/certs/ca.pem"
