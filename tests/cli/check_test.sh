#!/usr/bin/env bash
# `schakel check --config DIR` as a region runs it before a reload and in CI:
# a sound configuration passes; every problem of a broken one is listed in
# one run (settings, policy, keys, certificates), each naming its file; a
# certificate near its end is a warning (--strict fails on it); nothing is
# written, and a running gateway is not disturbed.
#   check_test.sh SCHAKEL_BINARY SOURCE_DIR TEST_PKI
set -uo pipefail
schakel=$1
source_dir=$2
pki=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

check() { # description, command...
  local description=$1
  shift
  if "$@"; then echo "ok   - $description"; else echo "FAIL - $description"; failures=$((failures + 1)); fi
}
expect_exit() { # code, command... (output in $work/out)
  local code=$1
  shift
  "$@" >"$work/out" 2>&1
  [[ $? -eq $code ]] || { echo "exit $? (expected $code)"; cat "$work/out"; return 1; }
}
contains() { grep -qF -- "$1" "$work/out" || { echo "missing: $1"; cat "$work/out"; return 1; }; }
lacks() { ! grep -qF -- "$1" "$work/out" || { echo "unexpected: $1"; cat "$work/out"; return 1; }; }

write_settings() { # dir, region file, keys dir, client cert name
  mkdir -p "$1"
  cat >"$1/schakel.json" <<JSON
{ "guideline": "$source_dir/config/guideline.json", "region": "$2",
  "keys": "$3", "data_dir": "$work/data",
  "tls": { "ca": "$pki/ca.pem", "server_cert": "$pki/gateway-server.pem", "server_key": "$pki/gateway-server.key",
           "client_cert": "$4.pem", "client_key": "$4.key" },
  "listen": { "address": "127.0.0.1", "port": 0 }, "admin": { "address": "127.0.0.1", "port": 0 } }
JSON
}

region=$source_dir/config/example-region/region.json
"$schakel" keys init --keys "$work/keys" >/dev/null
write_settings "$work/good" "$region" "$work/keys" "$pki/gateway-client"
check "a sound configuration passes" expect_exit 0 "$schakel" check --config "$work/good"
check "... saying so" contains "0 error(s)"
check "... and names no error" lacks "error:"

ls -la "$work/keys" >"$work/keys-before"
[[ ! -e "$work/keys/queue.key" ]] && echo "(queue.key not made yet, as serve would make it)"
check "check writes no key and makes no data directory" \
  bash -c "ls -la '$work/keys' | diff -q - '$work/keys-before' >/dev/null && [[ ! -e '$work/data' ]]"

# Broken in three places at once: the region, a key file's mode, the gateway's client certificate.
sed 's/"pseudonym_domain": "ggz-voorbeeld"/"pseudonym_domian": "ggz-voorbeeld"/' "$region" >"$work/bad-region.json"
cp -a "$work/keys" "$work/keys-open"
chmod 644 "$work/keys-open/master.key"
write_settings "$work/bad" "$work/bad-region.json" "$work/keys-open" "$pki/expired-partner"
check "a broken configuration fails" expect_exit 1 "$schakel" check --config "$work/bad"
check "... naming the region's field by JSON pointer" contains "bad-region.json: /partners/"
check "... and the key file open to others" contains "master.key is readable by group or others"
check "... and the expired certificate" contains "expired-partner.pem: expired on 2020-01-31"
check "... all in one run" contains "error(s), 0 warning(s)"

cp -a "$work/keys" "$work/keys-short"
rm "$work/keys-short/audit-signing.key"
write_settings "$work/nokey" "$region" "$work/keys-short" "$pki/gateway-client"
check "a missing signing key is an error" expect_exit 1 "$schakel" check --config "$work/nokey"
check "... naming it" contains "audit-signing.key"

echo '{ "guideline": "g.json", "region": "r.json", "listen": { "port": "x" } }' >"$work/settings-bad.json"
mkdir -p "$work/badsettings" && mv "$work/settings-bad.json" "$work/badsettings/schakel.json"
check "bad settings fail" expect_exit 1 "$schakel" check --config "$work/badsettings"
check "... with the file and JSON pointer" contains "schakel.json: /listen/port"

# A gateway client certificate that ends in 10 days (same CA, same OIN): a warning.
openssl req -new -key "$pki/gateway-client.key" -out "$work/soon.csr" \
  -subj "/serialNumber=00000009000000000001/O=Schakel gateway/CN=schakel-gateway" 2>/dev/null
openssl x509 -req -in "$work/soon.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial \
  -CAserial "$work/ca.srl" -days 10 -sha256 -out "$work/soon.pem" \
  -extfile <(printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n') 2>/dev/null
cp "$pki/gateway-client.key" "$work/soon.key"
write_settings "$work/soon" "$region" "$work/keys" "$work/soon"
check "a certificate ending within 30 days passes with a warning" expect_exit 0 "$schakel" check --config "$work/soon"
check "... that names it and the days left" contains "soon.pem: expires on"
check "... in days" contains "days; renew it"
check "--strict fails on the warning" expect_exit 1 "$schakel" check --strict --config "$work/soon"

# The gateway's client certificate without an OIN.
write_settings "$work/nooin" "$region" "$work/keys" "$pki/gateway-server"
check "a gateway client certificate without an OIN is an error" expect_exit 1 "$schakel" check --config "$work/nooin"
check "... saying what is missing" contains "serialNumber must be the gateway's OIN"

# Hostile TLS files: a FIFO would hang OpenSSL's reader; a private key open to others.
mkfifo "$work/fifo"
sed "s#\"ca\": \"$pki/ca.pem\"#\"ca\": \"$work/fifo\"#" "$work/good/schakel.json" >"$work/fifo.json"
mkdir -p "$work/fifocfg" && mv "$work/fifo.json" "$work/fifocfg/schakel.json"
check "a FIFO as the CA file is an error, not a hang" expect_exit 1 timeout 20 "$schakel" check --config "$work/fifocfg"
check "... naming it" contains "fifo is not a regular file"
sed "s#\"region\": \"$region\"#\"region\": \"$work/fifo\"#" "$work/good/schakel.json" >"$work/fiforegion.json"
mkdir -p "$work/fiforegioncfg" && mv "$work/fiforegion.json" "$work/fiforegioncfg/schakel.json"
check "a FIFO as the region file is an error, not a hang" expect_exit 1 timeout 20 "$schakel" check --config "$work/fiforegioncfg"
check "... naming it" contains "fifo is not a regular file"
truncate -s 20M "$work/huge.json"
sed "s#\"region\": \"$region\"#\"region\": \"$work/huge.json\"#" "$work/good/schakel.json" >"$work/huge-settings.json"
mkdir -p "$work/hugecfg" && mv "$work/huge-settings.json" "$work/hugecfg/schakel.json"
check "a region file of 20 MiB is refused unread" expect_exit 1 "$schakel" check --config "$work/hugecfg"
check "... saying why" contains "huge.json is larger than 16 MiB"
cp "$pki/gateway-server.key" "$work/open.key"
chmod 644 "$work/open.key"
sed "s#\"server_key\": \"$pki/gateway-server.key\"#\"server_key\": \"$work/open.key\"#" "$work/good/schakel.json" >"$work/open.json"
mkdir -p "$work/opencfg" && mv "$work/open.json" "$work/opencfg/schakel.json"
check "a TLS private key open to others is an error" expect_exit 1 "$schakel" check --config "$work/opencfg"
check "... naming it" contains "open.key is open to others"

# Peer regions (issue 20): check verifies each peer's signed directory against the key the
# region file pins; one altered after signing is an error; so is the gateway's own OIN as a peer.
"$schakel" keys init --keys "$work/peer-keys" >/dev/null
mkdir -p "$work/peer" "$work/with-peer"
sed 's/"00000001001234567000"/"00000001001234567111"/' "$region" >"$work/peer/region.json"
write_settings "$work/peercfg" "$work/peer/region.json" "$work/peer-keys" "$pki/gateway-b-client"
"$schakel" peers publish --config "$work/peercfg" --out "$work/with-peer/peer.json" >/dev/null
peer_key=$("$schakel" keys export-public --keys "$work/peer-keys")
add_peer() { # gateway OIN, output region file
  jq --arg key "$peer_key" --arg oin "$1" '.peers = [{"id": "regio-b",
    "endpoint": "https://127.0.0.1:9", "gateway_oin": $oin, "checkpoint_key": $key,
    "directory": "peer.json", "purposes": {"aftercare-after-detention": "both"}}]' "$region" >"$2"
}
add_peer 00000009000000000011 "$work/with-peer/region.json"
write_settings "$work/withpeercfg" "$work/with-peer/region.json" "$work/keys" "$pki/gateway-client"
check "a region with a verified peer directory passes" expect_exit 0 "$schakel" check --config "$work/withpeercfg"
add_peer 00000009000000000001 "$work/with-peer/own.json"
write_settings "$work/ownpeercfg" "$work/with-peer/own.json" "$work/keys" "$pki/gateway-client"
check "the gateway's own OIN as a peer's gateway is an error" expect_exit 1 "$schakel" check --config "$work/ownpeercfg"
check "... naming the entry" contains "own.json#/peers/0/gateway_oin: is this gateway's own OIN"
jq '.partners[0].role = "police"' "$work/with-peer/peer.json" >"$work/altered.json"
mv "$work/altered.json" "$work/with-peer/peer.json"
check "a peer directory altered after signing is an error" expect_exit 1 "$schakel" check --config "$work/withpeercfg"
check "... naming the peer's entry" contains "region.json: /peers/0/directory: peer.json: /signature"

check "--help says what it checks" expect_exit 0 "$schakel" check --help
check "... and the exit codes" contains "Exit 0 when serve would start"
check "check without --config is a usage error" expect_exit 2 "$schakel" check

[[ $failures -eq 0 ]] && echo "all check-command checks passed"
exit $((failures > 0))
