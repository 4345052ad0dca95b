#!/usr/bin/env bash
# Development PKI for a region: a CA standing in for the PKIoverheid Private
# Root, the gateway's server and client certificates, a receiver certificate
# for the demo receiver, and one client certificate per partner of the region
# file with its OIN in Subject serialNumber and its name in O (CONTRACT.md).
# Idempotent: existing files are kept. Never use these certificates in production.
#
#   config/dev-pki.sh OUT_DIR REGION_JSON [--test-identities]
#
# --test-identities also makes what the tests need: a foreign CA with a client
# certificate carrying a real partner's OIN, and a region-CA certificate with
# an OIN that is no partner of the region.
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 OUT_DIR REGION_JSON [--test-identities]" >&2
  exit 2
fi
out=$1
region=$(realpath "$2")
test_identities=${3:-}
days=825
gateway_oin=00000009000000000001

mkdir -p "$out"
chmod 700 "$out"
cd "$out"

new_key() { # name
  [[ -f "$1.key" ]] || { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; chmod 600 "$1.key"; }
}

make_ca() { # name subject
  new_key "$1"
  [[ -f "$1.pem" ]] || openssl req -x509 -new -key "$1.key" -subj "$2" -days "$days" -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$1.pem" 2>/dev/null
}

issue() { # name subject ca usage(server|client)
  local name=$1 subject=$2 ca=$3 usage=$4 ext
  new_key "$name"
  [[ -f "$name.pem" ]] && return 0
  if [[ $usage == server ]]; then
    ext="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1"
  else
    ext="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
  fi
  openssl req -new -key "$name.key" -subj "$subject" -out "$name.csr" 2>/dev/null
  openssl x509 -req -in "$name.csr" -CA "$ca.pem" -CAkey "$ca.key" -CAcreateserial -days "$days" \
    -sha256 -extfile <(printf '%s\n' "$ext") -out "$name.pem" 2>/dev/null
  rm -f "$name.csr"
}

make_ca ca "/O=Schakel Voorbeeldregio/CN=Schakel Development Root CA (not PKIoverheid)"
issue gateway-server "/O=Schakel gateway/CN=localhost" ca server
issue gateway-client "/serialNumber=$gateway_oin/O=Schakel gateway/CN=schakel-gateway" ca client
issue receiver "/O=Schakel demo receiver/CN=localhost" ca server

count=0
while IFS=$'\t' read -r id oin name; do
  issue "partner-$id" "/serialNumber=$oin/O=$name/CN=$id" ca client
  count=$((count + 1))
done < <(jq -r '.partners[] | [.id, .oin, .name] | @tsv' "$region")

if [[ $test_identities == --test-identities ]]; then
  first_oin=$(jq -r '.partners[0].oin' "$region")
  make_ca foreign-ca "/O=Some Other Authority/CN=Foreign Root CA"
  issue foreign-client "/serialNumber=$first_oin/O=Impostor/CN=impostor" foreign-ca client
  issue unknown-partner "/serialNumber=00000001999999999000/O=Not A Partner/CN=not-a-partner" ca client
fi
echo "dev-pki: $out holds the region CA, gateway, receiver and $count partner certificates"
