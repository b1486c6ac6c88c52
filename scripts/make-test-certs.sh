#!/bin/sh
# Generates the TLS fixtures of the test suite into test/certs/ (committed, so tests need no
# generation step). Re-run only to replace them; every run makes new keys.
#
#   ca.pem / ca.key                 test CA (self-signed)
#   server.pem / server.key         signed by the CA for DNS localhost and IP 127.0.0.1
#   wrong-host.pem / wrong-host.key signed by the CA for DNS wrong.example only (host-name mismatch)
#   cn-only.pem / cn-only.key       signed by the CA, CN=localhost and no subjectAltName (refused:
#                                   a name counts only in subjectAltName)
#   untrusted.pem / untrusted.key   self-signed for localhost and 127.0.0.1, not from the CA
#
# EC P-256 keys, valid for 100 years. Usage: scripts/make-test-certs.sh [output-dir]
set -eu

out=${1:-"$(cd "$(dirname "$0")/.." && pwd)/test/certs"}
days=36500
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }

# extensions_file <file> <subjectAltName> : leaf-certificate extensions (no subjectAltName
# when empty).
extensions_file() {
    cat >"$1" <<EXT
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
EXT
    if [ -n "$2" ]; then echo "subjectAltName = $2" >>"$1"; fi
}

# The CA.
new_key "$out/ca.key"
openssl req -x509 -new -key "$out/ca.key" -sha256 -days "$days" -subj "/CN=rerank test CA" \
    -addext "basicConstraints = critical, CA:TRUE" \
    -addext "keyUsage = critical, keyCertSign, cRLSign" \
    -addext "subjectKeyIdentifier = hash" \
    -out "$out/ca.pem"

# signed_by_ca <name> <common name> <subjectAltName>
signed_by_ca() {
    new_key "$out/$1.key"
    openssl req -new -key "$out/$1.key" -subj "/CN=$2" -out "$tmp/$1.csr"
    extensions_file "$tmp/$1.ext" "$3"
    openssl x509 -req -in "$tmp/$1.csr" -CA "$out/ca.pem" -CAkey "$out/ca.key" -CAcreateserial \
        -CAserial "$tmp/ca.srl" -sha256 -days "$days" -extfile "$tmp/$1.ext" -out "$out/$1.pem"
}

signed_by_ca server localhost "DNS:localhost, IP:127.0.0.1"
signed_by_ca wrong-host wrong.example "DNS:wrong.example"
signed_by_ca cn-only localhost ""

# A self-signed leaf for the right names, from no trusted CA.
new_key "$out/untrusted.key"
openssl req -x509 -new -key "$out/untrusted.key" -sha256 -days "$days" -subj "/CN=localhost" \
    -addext "basicConstraints = critical, CA:FALSE" \
    -addext "subjectAltName = DNS:localhost, IP:127.0.0.1" \
    -addext "extendedKeyUsage = serverAuth" \
    -out "$out/untrusted.pem"

chmod 644 "$out"/*.key "$out"/*.pem
echo "test certificates written to $out"
