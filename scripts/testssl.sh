#!/usr/bin/env bash
# testssl.sh (Debian package `testssl.sh`) against the partner listener: a
# gateway of the example region on loopback, with a fresh development PKI,
# keys and CRL in a temporary directory, scanned with a partner's client
# certificate. Prints the findings that matter and exits 1 on a weak one:
# a protocol below TLS 1.2, a CBC, non-forward-secret, NULL/export/RC4/3DES
# suite, client-initiated or insecure renegotiation, TLS compression, session
# resumption (tickets or IDs), or any finding of severity MEDIUM or above.
# Slow (minutes) and needs the package: not part of the test suite.
#
#   scripts/testssl.sh [SCHAKEL_BINARY]     (default build/cli/schakel)
#
# Debian 12 ships testssl.sh 3.0.8, which has no --mtls: its OpenSSL calls go
# through a wrapper that adds the partner's certificate to every s_client.
# Its own socket probes (ClientHello/ServerHello only) need no certificate.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
schakel=$(realpath "${1:-$root/build/cli/schakel}")
command -v testssl >/dev/null || { echo "testssl.sh: apt-get install testssl.sh" >&2; exit 2; }
[[ -x $schakel ]] || { echo "testssl.sh: no gateway binary at $schakel" >&2; exit 2; }

work=$(mktemp -d)
server=
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
  [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

pki=$work/pki
"$root/config/dev-pki.sh" "$pki" "$root/config/example-region/region.json" >/dev/null
"$schakel" keys init --keys "$work/keys" >/dev/null
cat >"$work/schakel.json" <<JSON
{ "guideline": "$root/config/guideline.json",
  "region": "$root/config/example-region/region.json",
  "keys": "keys", "data_dir": "data",
  "tls": { "ca": "pki/ca.pem", "crl": "pki/ca.crl",
           "server_cert": "pki/gateway-server.pem", "server_key": "pki/gateway-server.key",
           "client_cert": "pki/gateway-client.pem", "client_key": "pki/gateway-client.key" },
  "listen": { "address": "127.0.0.1", "port": 0 },
  "admin": { "address": "127.0.0.1", "port": 0 } }
JSON
"$schakel" serve --config "$work" >"$work/serve.log" 2>&1 &
server=$!
port=
for _ in $(seq 100); do
  port=$(sed -n 's/.*gateway.started.* listen=127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/serve.log")
  [[ -n $port ]] && break
  sleep 0.1
done
[[ -n $port ]] || { cat "$work/serve.log" >&2; echo "testssl.sh: the gateway did not start" >&2; exit 2; }

# The partner's certificate on every `openssl s_client` that testssl.sh runs.
cat >"$work/openssl" <<SH
#!/usr/bin/env bash
if [[ \${1:-} == s_client ]]; then
  shift
  exec /usr/bin/openssl s_client -cert "$pki/partner-politie-eenheid-voorbeeld.pem" \\
    -key "$pki/partner-politie-eenheid-voorbeeld.key" "\$@"
fi
exec /usr/bin/openssl "\$@"
SH
chmod +x "$work/openssl"

version=$(testssl --version 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | awk '$1 == "testssl" { print $2; exit }')
echo "testssl.sh $version against the partner listener 127.0.0.1:$port" \
  "(client certificate: the police partner; CRL checking on)"
testssl --quiet --color 0 --warnings off --openssl "$work/openssl" --add-ca "$pki/ca.pem" \
  --protocols --std --fs --server-preference --vulnerable --headers --server-defaults \
  --jsonfile "$work/result.json" "127.0.0.1:$port" >"$work/testssl.txt" 2>&1 || true

# One line a finding: id, severity, finding.
jq -r '.[] | [.id, .severity, .finding] | @tsv' "$work/result.json" >"$work/findings.tsv"
show() { # id pattern
  grep -E "^($1)"$'\t' "$work/findings.tsv" | cut -f1,3 | sed 's/\t/: /' || true
}
echo "--- protocols"
show 'SSLv2|SSLv3|TLS1|TLS1_1|TLS1_2|TLS1_3'
echo "--- cipher categories"
show 'cipherlist_[A-Za-z0-9_]*'
echo "--- forward secrecy, suites, preference, renegotiation, compression, resumption"
show 'PFS|PFS_ECDHE_curves|cipherorder_TLSv1_2|cipherorder_TLSv1_3|cipher_order|secure_renego'
show 'secure_client_renego|CRIME_TLS|TLS_session_ticket|sessionresumption_ticket|sessionresumption_ID'
echo "--- certificate"
show 'cert_chain_of_trust|cert_signatureAlgorithm|cert_keySize|cert_expirationStatus|cert_revocation'
echo "--- vulnerabilities"
show 'heartbleed|CCS|ticketbleed|ROBOT|BREACH|POODLE_SSL|fallback_SCSV|SWEET32|FREAK|DROWN|LOGJAM|BEAST|LUCKY13|RC4'

# Findings about the development PKI's certificates, not about the listener:
# its certificates name no CRL distribution point (PKIoverheid ones do).
development_pki='cert_revocation'
weak=$(awk -F'\t' -v development_pki="$development_pki" '
  function offered(finding) { return tolower(finding) !~ /^(not offered|not supported|no( |$))/ }
  $1 ~ "^(" development_pki ")$" { next }
  $2 ~ /^(MEDIUM|HIGH|CRITICAL)$/ { print; next }
  $1 ~ /^(SSLv2|SSLv3|TLS1|TLS1_1)$/ && offered($3) { print; next }
  $1 ~ /^cipherlist_(NULL|aNULL|EXPORT|LOW|3DES_IDEA|AVERAGE)$/ && offered($3) { print; next }
  $1 == "PFS" && $3 != "offered" { print; next }
  $1 == "cipherorder_TLSv1_2" {  # every TLS 1.2 suite forward-secret and AEAD
    n = split($3, suites, " ")
    for (i = 1; i <= n; i++) {
      if (suites[i] !~ /^(ECDHE|DHE)-/ || suites[i] !~ /(GCM|CHACHA20|CCM)/) { print; next }
    }
  }
  $1 == "secure_client_renego" && $3 !~ /^not vulnerable/ { print; next }
  $1 == "CRIME_TLS" && $3 !~ /^not vulnerable/ { print; next }
  $1 ~ /^(sessionresumption_ticket|sessionresumption_ID|TLS_session_ticket)$/ && offered($3) {
    print; next
  }
' "$work/findings.tsv")
echo "--- verdict"
if [[ -n $weak ]]; then
  echo "WEAK findings:"
  echo "$weak"
  echo "(full output: rerun with TESTSSL_KEEP=1)"
  [[ -n ${TESTSSL_KEEP:-} ]] && cp "$work/testssl.txt" "$work/result.json" . 2>/dev/null
  exit 1
fi
echo "no weak finding ($(wc -l <"$work/findings.tsv") findings read)"
grep -E "^($development_pki)"$'\t' "$work/findings.tsv" | cut -f1-3 | sed 's/^/development PKI, not the listener: /' || true
[[ -n ${TESTSSL_KEEP:-} ]] && cp "$work/testssl.txt" "$work/result.json" . 2>/dev/null
exit 0
