#!/usr/bin/env bash
# Installs what building, testing and benchmarking rerank needs, from Debian 12's packages only.
# Non-interactive; installs only what is missing, so a second run costs a second.
set -euo pipefail

packages=(
    g++ cmake ninja-build pkg-config
    libboost1.81-dev libboost-json1.81-dev libboost-test1.81-dev libboost-url1.81-dev
    libssl-dev zlib1g-dev ca-certificates openssl
    libxxhash-dev      # XXH3-128, header-only, for the score cache's keys (src/cache)
    libbenchmark-dev   # micro-benchmarks
    nginx-light        # the TLS reverse proxy of the pool tests and the benchmark peer
    wrk                # the benchmark floor
    libhiredis-dev     # the Redis protocol of the shared quota store (src/quota)
    prometheus-cpp-dev # the optional Prometheus exporter (src/prometheus, rerank::prometheus)
    redis-server       # the quota store's tests and benchmark (test/quota, bench/quota)
    tinyproxy          # the HTTP proxy of the proxy tests (test/pool/proxy_test.cpp)
    clang-format
    doxygen            # the API reference and its completeness check (the docs target)
    clang-14 libfuzzer-14-dev libclang-rt-14-dev  # the fuzz targets (scripts/fuzz.sh)
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
