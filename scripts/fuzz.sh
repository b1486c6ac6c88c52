#!/usr/bin/env bash
# Builds the libFuzzer targets of test/fuzz (clang 14, ASan+UBSan, a build tree of their own)
# and runs each for SECONDS (default 20) from its seed corpus; fails if any target crashes,
# leaks or finds an invariant broken. CI runs it briefly from scripts/test.sh.
#
#   scripts/fuzz.sh                          # every target, 20 s each
#   scripts/fuzz.sh 600                      # ten minutes each
#   FUZZ_TARGETS="json_reader tokenizer" scripts/fuzz.sh 60
#
# Environment: RERANK_FUZZ_BUILD_DIR (default build/fuzz), JOBS (parallel compilations,
# default: cores), FUZZ_JOBS (targets fuzzed at once, default: JOBS), FUZZ_TARGETS (default:
# all), FUZZ_BUILD_ONLY=1 (build and make the seeds).
# In the build tree: seeds/<target> (made here from test/data and test/fuzz/seeds, remade each
# run), corpus/<target> (what the fuzzer found, kept between runs), artifacts/ (crashing
# inputs), logs/<target>.log (and its summary, .result and .status). Nothing is written to the
# source tree or to $TMPDIR.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${1:-20}
build=${RERANK_FUZZ_BUILD_DIR:-$root/build/fuzz}
all_targets=(json_reader decode_response error_body http_exchange gzip_inflate endpoint json_lines tokenizer batch_plan)
read -r -a targets <<<"${FUZZ_TARGETS:-${all_targets[*]}}"
start=$(date +%s)

# No precompiled header: it would make every part's objects need all of Asio (src/asio_impl.cpp),
# which test/fuzz/CMakeLists.txt leaves out.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DCMAKE_CXX_COMPILER=clang++-14 -DRERANK_FUZZ=ON \
    -DRERANK_BUILD_TESTS=OFF -DRERANK_BUILD_EXAMPLES=OFF -DRERANK_BUILD_BENCH=OFF \
    -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON >/dev/null
cmake --build "$build" -j "${JOBS:-$(nproc)}" --target "${targets[@]/#/fuzz_}"
echo "== fuzz targets built in $(($(date +%s) - start)) s"

# Seeds -------------------------------------------------------------------------------------
seeds=$build/seeds
codec=test/data/codec
rm -rf "$seeds"
mkdir -p "$seeds" "$build/corpus" "$build/artifacts" "$build/logs"
byte() { printf "\\x$(printf %02x "$1")"; } # one byte of value $1 (0-255)
# seed TARGET NAME PREFIX-BYTES... < CONTENT: a seed file whose content follows the bytes.
seed() {
    local dir=$seeds/$1 name=$2
    shift 2
    mkdir -p "$dir"
    # At most 4 KiB (-max_len below): the fuzzer's time goes to many small inputs.
    { for b in "$@"; do byte "$b"; done; cat; } >"$dir/$name"
    truncate -s '<4096' "$dir/$name"
}
make_seeds() {
    local f n docs top
    for f in "$codec"/* test/fuzz/seeds/json/*; do
        seed json_reader "$(basename "$f")" <"$f"
        seed error_body "$(basename "$f")" 1 144 <"$f" # HTTP 400
        seed error_body "429-$(basename "$f")" 1 173 <"$f"
    done
    # Responses: byte 0 is the dialect (its position in rerank::all_dialects: 0 compatible,
    # 1 native, 2 cohere, 3 jina, 4 voyage, 5 tei, 6 nim; +128 with top_n), byte 1 the
    # documents, byte 2 top_n; every count from 1 to 5 (one of them the file's own).
    local -A dialect_of=([compatible]=0 [native]=1 [cohere]=2 [jina]=3 [voyage]=4 [tei]=5 [nim]=6)
    for f in "$codec"/{compatible,native,cohere,jina,voyage,tei,nim}_*.json; do
        local name dialect
        name=$(basename "$f")
        dialect=${dialect_of[${name%%_*}]}
        for docs in 1 2 3 4 5; do
            seed decode_response "$docs-$(basename "$f")" "$dialect" "$docs" 0 <"$f"
        done
        for top in 1 2; do
            seed decode_response "top$top-$(basename "$f")" $((dialect + 128)) 5 "$top" <"$f"
        done
    done
    # HTTP responses around the test bodies: byte 0 the limits and ending (0: defaults, an
    # orderly end), byte 1 the number of read sizes that follow (0: reads as large as asked).
    local body=$codec/native_response.json error=$codec/error_native.json
    local length
    length=$(wc -c <"$body")
    http_seed() { # NAME READ-SIZES... < RESPONSE
        local name=$1 response
        shift
        response=$(cat; echo x)
        response=${response%x}
        seed http_exchange "$name" 0 0 <<<"$response"
        seed http_exchange "$name-split" 64 $# "$@" <<<"$response"
    }
    {
        printf 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nx-request-id: r1\r\nContent-Length: %s\r\n\r\n' "$length"
        cat "$body"
    } | http_seed content-length 0 6 200
    {
        printf 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%x;ext=1\r\n' "$length"
        cat "$body"
        printf '\r\n0\r\nx-trailer: t\r\n\r\n'
    } | http_seed chunked 3 1 40
    {
        printf 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n'
        printf 'HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\nretry-after-ms: 250\r\nContent-Length: %s\r\n\r\n' "$(wc -c <"$error")"
        cat "$error"
    } | http_seed interim 10
    {
        printf 'HTTP/1.0 502 Bad Gateway\r\nContent-Type: text/html\r\n\r\n'
        cat "$codec/error_gateway.html"
    } | http_seed until-close 100
    printf 'HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 302 Found\r\nLocation: https://example.invalid/\r\nContent-Length: 0\r\n\r\n' |
        http_seed two-responses 20
    # gzip bodies: bytes 0-1 the limit in units of 16 bytes (64 KiB, or 256 bytes to fail),
    # then the test bodies compressed, whole and with a bad end.
    for f in "$codec"/*.json; do
        python3 -c 'import gzip, sys; sys.stdout.buffer.write(gzip.compress(open(sys.argv[1], "rb").read(), 6))' "$f" >"$seeds/gzip.tmp"
        seed gzip_inflate "$(basename "$f")" 16 0 <"$seeds/gzip.tmp"
        seed gzip_inflate "small-$(basename "$f")" 0 16 <"$seeds/gzip.tmp"
        head -c -3 "$seeds/gzip.tmp" | seed gzip_inflate "cut-$(basename "$f")" 16 0
    done
    rm -f "$seeds/gzip.tmp"
    for f in test/fuzz/seeds/url/*; do
        seed endpoint "$(basename "$f")" <"$f"
    done
    # JSON Lines: slices of the tokenizer corpus (JSON objects with "text", one a line) and
    # bare strings; the same texts, one a file, for the tokenizer; slices for the planner.
    local corpus=test/data/tokenizer/corpus.jsonl
    for n in 1 2 3 4 5; do
        sed -n "$((n * 7)),$((n * 7 + n))p" "$corpus" | seed json_lines "corpus-$n"
    done
    printf '"one"\n"two \\u00e9"\r\n{"text":"three","id":3}' | seed json_lines strings
    local i=0 line
    while IFS= read -r line && ((i < 60)); do
        i=$((i + 1))
        ((i % 3 == 0)) || continue
        printf '%s' "$line" | sed 's/^{"cat":"[^"]*","text":"//; s/"}$//' | seed tokenizer "corpus-$i"
        printf '%s' "$line" | seed batch_plan "corpus-$i" # any bytes make some plan
    done <"$corpus"
}
make_seeds
for t in "${targets[@]}"; do
    mkdir -p "$build/corpus/$t"
    echo "seeds of $t: $(find "$seeds/$t" -type f | wc -l) files, $(cat "$seeds/$t"/* | wc -c) bytes"
done
if [ "${FUZZ_BUILD_ONLY:-0}" = 1 ]; then
    exit 0
fi

# Runs --------------------------------------------------------------------------------------
# Each target is one single-threaded process: FUZZ_JOBS of them run at once (default: JOBS),
# each for the full SECONDS of wall time. Results are printed in the order of the targets.
fuzz_jobs=${FUZZ_JOBS:-${JOBS:-$(nproc)}}
# run_target T: fuzzes T; its summary line goes to logs/T.result, "failed" to logs/T.status.
run_target() {
    local t=$1 log=$build/logs/$1.log runs cov
    # New inputs go to corpus/<t> (the first directory); the seeds are only read.
    if "$build/test/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$t-" "$build/corpus/$t" "$seeds/$t" >"$log" 2>&1; then
        runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
        cov=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+' || true)
        echo "fuzz_$t: ${seconds} s, ${runs:-?} runs, ${cov:-no coverage line}" >"$build/logs/$t.result"
        echo ok >"$build/logs/$t.status"
    else
        {
            echo "fuzz_$t: FAILED (log: $log)"
            # The target's own message and input, or the sanitizer's report.
            grep -a -E '^([a-z_]+: |json_reader differs|input \(|SUMMARY|==[0-9]+== ?ERROR)' "$log" |
                cut -c1-300 | head -12 || true
        } >"$build/logs/$t.result"
        echo failed >"$build/logs/$t.status"
    fi
}
for t in "${targets[@]}"; do
    rm -f "$build/logs/$t.result" "$build/logs/$t.status"
    while (($(jobs -rp | wc -l) >= fuzz_jobs)); do
        wait -n || true
    done
    run_target "$t" &
done
wait
failed=()
for t in "${targets[@]}"; do
    if [ "$(cat "$build/logs/$t.status" 2>/dev/null)" = ok ]; then
        cat "$build/logs/$t.result"
    else
        cat "$build/logs/$t.result" >&2 2>/dev/null || echo "fuzz_$t: FAILED (no result)" >&2
        failed+=("$t")
    fi
done
echo "== fuzzing done in $(($(date +%s) - start)) s"
if ((${#failed[@]})); then
    echo "fuzz targets that failed: ${failed[*]} (inputs in $build/artifacts)" >&2
    exit 1
fi
