#!/usr/bin/env bash
# The client's CPU per request, beside wrk's, against nginx serving canned rerank responses
# over TLS with keep-alive (the method of bench/README.md): 64 connections, nginx pinned to
# core 1, the client to core 0, a small (10 x 100 B) and a large (100 x 500 B) body.
# Prints a markdown table and the machine. Takes about 2-3 minutes.
#
# usage: bench/compare.sh [BUILD_DIR]      (default: ./build; needs BUILD_DIR/bench/tool/rerank-bench)
# environment: DURATION (seconds per run, default 8), REPEATS (runs per client and body, default 3;
#              the table shows medians), PORT (default: a free one), CONNECTIONS (default 64).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build_dir=$(cd "${1:-$here/../build}" && pwd)
bench_bin=$build_dir/bench/tool/rerank-bench
DURATION=${DURATION:-8}
REPEATS=${REPEATS:-3}
PORT=${PORT:-}
CONNECTIONS=${CONNECTIONS:-64}
CLIENT_CORE=0
SERVER_CORE=1

die() { echo "compare.sh: $*" >&2; exit 1; }
[ -x "$bench_bin" ] || die "no $bench_bin: build the rerank-bench target (Release) first"

# Tools: Debian packages, installed only when missing.
missing=()
command -v nginx >/dev/null || missing+=(nginx-light)
command -v wrk >/dev/null || missing+=(wrk)
command -v openssl >/dev/null || missing+=(openssl)
command -v taskset >/dev/null || missing+=(util-linux)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}" >&2
    [ "$(id -u)" = 0 ] && sudo= || sudo=sudo
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
fi
[ "$(nproc)" -ge 2 ] || die "needs 2 cores (client and server pinned apart)"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
[ -n "$PORT" ] || PORT=$(free_port)
capture_port=$(free_port)

work=$(mktemp -d /tmp/rerank-compare.XXXXXX)
chmod 755 "$work" # nginx's workers (www-data when started as root) read the canned files
nginx_conf=$work/nginx.conf
cleanup() {
    if [ -f "$work/nginx.pid" ]; then
        kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
        sleep 0.2
    fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# A CA and a server certificate for 127.0.0.1 (ECDSA P-256).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=compare-ca \
    -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=127.0.0.1 \
    -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >"$work/san.ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
    -days 2 -extfile "$work/san.ext" -out "$work/server.pem" 2>/dev/null

# The bodies: the exact request rerank-bench sends (captured from the wire by a one-shot
# plain-HTTP server), and a realistic compatible-dialect response to it, results echoing the
# documents. wrk then posts the same bytes.
cat >"$work/capture.py" <<'EOF'
# One-shot HTTP server: saves the body of the one request it gets, and answers it (and saves
# the answer) as DashScope's compatible dialect would: every document, best first, echoed.
import json, random, socket, sys
port, request_file, response_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
listener = socket.create_server(("127.0.0.1", port))
listener.settimeout(20)
open(request_file + ".ready", "w").close()
conn, _ = listener.accept()
data = b""
while b"\r\n\r\n" not in data:
    data += conn.recv(65536)
head, body = data.split(b"\r\n\r\n", 1)
length = next(int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:"))
while len(body) < length:
    body += conn.recv(65536)
open(request_file, "wb").write(body)
req = json.loads(body)
rng = random.Random(42)
scores = sorted((rng.random() for _ in req["documents"]), reverse=True)
order = list(range(len(req["documents"])))
rng.shuffle(order)
answer = {
    "id": "5c1f0a9e-3b7d-4e8a-9f21-7d6c5b4a3e2f",
    "object": "list",
    "model": req["model"],
    "results": [{"index": i, "relevance_score": s, "document": {"text": req["documents"][i]}}
                for i, s in zip(order, scores)],
    "usage": {"total_tokens": len(req["query"]) * len(req["documents"]) + sum(map(len, req["documents"]))},
}
text = json.dumps(answer, separators=(",", ":"), ensure_ascii=False).encode()
open(response_file, "wb").write(text)
conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
             b"Content-Length: %d\r\n\r\n" % len(text) + text)
conn.close()
EOF
capture() { # name documents doc_bytes
    local name=$1 port=$capture_port
    python3 "$work/capture.py" "$port" "$work/$name.request.json" "$work/$name.json" &
    local server=$!
    for _ in $(seq 100); do [ -f "$work/$name.request.json.ready" ] && break; sleep 0.1; done
    BENCH_KEY=bench "$bench_bin" --base-url "http://127.0.0.1:$port/compatible-api/v1" \
        --api-key-env BENCH_KEY --requests 1 --warmup 0 --concurrency 1 \
        --documents "$2" --doc-bytes "$3" --json >/dev/null || die "capturing the $name request failed"
    wait "$server"
    cat >"$work/$name.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench"
local f = io.open("$work/$name.request.json", "rb")
wrk.body = f:read("*a")
f:close()
EOF
}
capture small 10 100
capture large 100 500

# nginx: a static file answers the POST (405 mapped back to 200), but only after reading the
# whole request body (mirror), as a real API does; headers and body leave in one write.
cat >"$nginx_conf" <<EOF
worker_processes 1;
daemon on;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile off;
    tcp_nodelay on;
    keepalive_timeout 300s;
    keepalive_requests 100000000;
    client_max_body_size 4m;
    client_body_buffer_size 1m;
    client_body_temp_path $work/client_body;
    proxy_temp_path $work/proxy;
    fastcgi_temp_path $work/fastcgi;
    uwsgi_temp_path $work/uwsgi;
    scgi_temp_path $work/scgi;
    default_type application/json;
    server {
        listen 127.0.0.1:$PORT ssl;
        ssl_certificate $work/server.pem;
        ssl_certificate_key $work/server.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        location = /small/compatible-api/v1/reranks {
            alias $work/small.json;
            error_page 405 =200 \$uri;
            mirror /_drop;
            mirror_request_body on;
        }
        location = /large/compatible-api/v1/reranks {
            alias $work/large.json;
            error_page 405 =200 \$uri;
            mirror /_drop;
            mirror_request_body on;
        }
        location = /_drop { internal; return 204; }
    }
}
EOF
taskset -c $SERVER_CORE nginx -c "$nginx_conf" -e "$work/error.log" || die "nginx did not start"
sleep 0.3

# One wrk run: "cpu_us rps p99_ms". CPU is wrk's user + system time (its own rusage, as the
# shell's `times` reports for its finished child).
run_wrk() { # name
    local out
    out=$( (taskset -c $CLIENT_CORE wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency \
        -s "$work/$1.lua" "https://127.0.0.1:$PORT/$1/compatible-api/v1/reranks"; times) 2>&1)
    python3 - "$out" <<'EOF'
import re, sys
out = sys.argv[1]
def seconds(text):  # "1.5ms" / "800.00us" / "1.2s"
    m = re.match(r"([\d.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60}[m.group(2)]
requests = int(re.search(r"(\d+) requests in", out).group(1))
duration = seconds(re.search(r"requests in ([\d.]+\w+),", out).group(1))
p99 = seconds(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", out)
if errors:
    sys.exit("wrk saw errors: " + errors.group(0))
# `times`: the shell's own line, then its children's: "0m1.234s 0m0.567s".
child = re.findall(r"(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s", out)[-1]
cpu = int(child[0]) * 60 + float(child[1]) + int(child[2]) * 60 + float(child[3])
print(f"{cpu / requests * 1e6:.2f} {requests / duration:.0f} {p99 * 1e3:.3f}")
EOF
}

run_bench() { # name documents doc_bytes
    local out
    out=$(BENCH_KEY=bench taskset -c $CLIENT_CORE "$bench_bin" \
        --base-url "https://127.0.0.1:$PORT/$1/compatible-api/v1" --ca-file "$work/ca.pem" \
        --api-key-env BENCH_KEY --concurrency "$CONNECTIONS" --connections "$CONNECTIONS" \
        --duration "$DURATION" --warmup 1 --documents "$2" --doc-bytes "$3" --json)
    python3 - "$out" <<'EOF'
import json, sys
r = json.loads(sys.argv[1])
if r["errors"]:
    sys.exit("rerank-bench saw errors: " + json.dumps(r["errors"]))
print(f'{r["cpu_us_per_request"]:.2f} {r["requests_per_s"]:.0f} {r["latency_ms"]["p99"]:.3f}')
EOF
}

# Alternate the clients so that drift of the machine hits both alike; keep the medians.
declare -A results
for body in "small 10 100" "large 100 500"; do
    set -- $body
    for ((i = 1; i <= REPEATS; ++i)); do
        echo "run $i/$REPEATS, $1 body: wrk" >&2
        results[$1.wrk]+="$(run_wrk "$1")"$'\n'
        echo "run $i/$REPEATS, $1 body: rerank-bench" >&2
        results[$1.bench]+="$(run_bench "$1" "$2" "$3")"$'\n'
    done
done

median() { # column (1 cpu, 2 rps, 3 p99) of the runs in $1
    printf '%s' "$1" | awk -v c="$2" 'NF { print $c }' | sort -g |
        awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

small_resp=$(stat -c %s "$work/small.json")
large_resp=$(stat -c %s "$work/large.json")
small_req=$(stat -c %s "$work/small.request.json")
large_req=$(stat -c %s "$work/large.request.json")
echo
echo "| body | client | µs CPU / request | × wrk | requests/s | × wrk | p99 latency ms |"
echo "|---|---|---|---|---|---|---|"
for body in small large; do
    if [ $body = small ]; then
        label="small: 10 × 100 B ($((small_req)) B request, $((small_resp)) B response)"
    else
        label="large: 100 × 500 B ($((large_req)) B request, $((large_resp)) B response)"
    fi
    wc=$(median "${results[$body.wrk]}" 1); wr=$(median "${results[$body.wrk]}" 2); wp=$(median "${results[$body.wrk]}" 3)
    bc=$(median "${results[$body.bench]}" 1); br=$(median "${results[$body.bench]}" 2); bp=$(median "${results[$body.bench]}" 3)
    echo "| $label | wrk | $wc | 1.00 | $wr | 1.00 | $wp |"
    awk -v l="$label" -v bc="$bc" -v wc="$wc" -v br="$br" -v wr="$wr" -v bp="$bp" \
        'BEGIN { printf "| %s | rerank-bench | %s | %.2f | %s | %.2f | %s |\n", l, bc, bc / wc, br, br / wr, bp }'
done
echo
echo "Runs per cell: $REPEATS × ${DURATION} s (medians), $CONNECTIONS TLS keep-alive connections, wrk -t1;"
echo "client on core $CLIENT_CORE, nginx $(nginx -v 2>&1 | sed 's/.*nginx\///') on core $SERVER_CORE (1 worker)."
echo "Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, Linux $(uname -r), $(openssl version | cut -d' ' -f1-2)."
for body in small large; do
    for client in wrk bench; do
        printf 'raw %s %s (cpu_us rps p99_ms):' "$body" "$client"
        printf ' [%s]' $(printf '%s' "${results[$body.$client]}" | tr ' ' ',')
        echo
    done
done
