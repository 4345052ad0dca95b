#!/usr/bin/env bash
# Development PKI for a region: a CA standing in for the PKIoverheid Private
# Root, the gateway's server and client certificates, a receiver certificate
# for the demo receiver, and one client certificate per partner of the region
# file with its OIN in Subject serialNumber and its name in O (CONTRACT.md),
# and one per console user with a certificate_cn (console-<id>, CN only).
# Idempotent: existing files are kept. Never use these certificates in production.
#
#   config/dev-pki.sh OUT_DIR REGION_JSON [--test-identities]
#
# The region CA's certificate revocation list is ca.crl (for tls.crl in
# schakel.json), made with `openssl ca` over its database ca.index; it is
# remade when a revocation is added.
#
# --test-identities also makes what the tests need: a foreign CA with a client
# certificate carrying a real partner's OIN, a region-CA certificate with an
# OIN that is no partner of the region, and region-CA certificates carrying
# the police partner's OIN that the gateway must refuse: revoked-partner
# (listed in ca.crl; ca-nothing-revoked.crl is the CA's CRL without it;
# foreign-ca.crl is the foreign CA's),
# expired-partner (valid in January 2020 only), double-serial (two
# serialNumber attributes) and ca-leaf (a client certificate with CA:TRUE);
# and recipients' server certificates: receiver-<partner id> with that
# partner's OIN, and receiver-double-serial with two serialNumber attributes.
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
  elif [[ $usage == ca-client ]]; then  # a test identity: ambiguous, must be refused
    ext="basicConstraints=critical,CA:TRUE
keyUsage=critical,digitalSignature,keyCertSign
extendedKeyUsage=clientAuth"
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
# The demo receiver serves every partner of the example region, as a service
# provider would: its OIN is the endpoint_oin of each partner entry.
# A receiver certificate from before it carried that OIN is issued anew.
if [[ -f receiver.pem ]] && ! openssl x509 -in receiver.pem -noout -subject 2>/dev/null \
    | grep -q 00000009000000000002; then
  rm -f receiver.pem
fi
issue receiver "/serialNumber=00000009000000000002/O=Schakel demo receiver/CN=localhost" ca server

count=0
while IFS=$'\t' read -r id oin name; do
  issue "partner-$id" "/serialNumber=$oin/O=$name/CN=$id" ca client
  count=$((count + 1))
done < <(jq -r '.partners[] | [.id, .oin, .name] | @tsv' "$region")
# The console's users with a certificate (region file "console_users"): no
# OIN, their id as CN; the console refuses a partner's certificate.
while IFS=$'\t' read -r id cn; do
  issue "console-$id" "/O=Schakel Voorbeeldregio/CN=$cn" ca client
done < <(jq -r '.console_users[]? | select(.certificate_cn) | [.id, .certificate_cn] | @tsv' "$region")

# `openssl ca` for what `openssl x509` cannot do: revocations, CRLs, past dates.
ca_config() { # ca database
  cat <<EOF
[ca]
default_ca = issuer
[issuer]
database = $2
certificate = $1.pem
private_key = $1.key
new_certs_dir = ca.issued
serial = $1.srl
crlnumber = $1.crlnumber
default_md = sha256
default_crl_days = $days
unique_subject = no
policy = any
[any]
serialNumber = optional
organizationName = optional
commonName = optional
EOF
}
run_ca() { # ca database, then openssl ca arguments
  local ca=$1 database=$2
  shift 2
  mkdir -p ca.issued
  touch "$database"
  [[ -f $ca.crlnumber ]] || echo 1000 > "$ca.crlnumber"
  [[ -f $ca.srl ]] || openssl rand -hex 16 > "$ca.srl"
  openssl ca -batch -config <(ca_config "$ca" "$database") "$@" 2>/dev/null
}
region_ca() { # database, then openssl ca arguments
  run_ca ca "$@"
}
touch ca.index

revoke() { # name
  local serial
  serial=$(openssl x509 -in "$1.pem" -noout -serial | cut -d= -f2)
  if ! awk -F'\t' -v serial="$serial" '$1 == "R" && $4 == serial { found = 1 } END { exit !found }' \
       ca.index; then
    region_ca ca.index -revoke "$1.pem" -crl_reason keyCompromise
    rm -f ca.crl
  fi
}

if [[ $test_identities == --test-identities ]]; then
  first_oin=$(jq -r '.partners[0].oin' "$region")
  police_oin=$(jq -r '[.partners[] | select(.role == "police")][0].oin // .partners[0].oin' "$region")
  make_ca foreign-ca "/O=Some Other Authority/CN=Foreign Root CA"
  issue foreign-client "/serialNumber=$first_oin/O=Impostor/CN=impostor" foreign-ca client
  issue unknown-partner "/serialNumber=00000001999999999000/O=Not A Partner/CN=not-a-partner" ca client
  issue revoked-partner "/serialNumber=$police_oin/O=Revoked Police/CN=revoked-partner" ca client
  revoke revoked-partner
  issue double-serial \
    "/serialNumber=$police_oin/serialNumber=$first_oin/O=Two Serials/CN=double-serial" ca client
  issue ca-leaf "/serialNumber=$police_oin/O=CA Leaf/CN=ca-leaf" ca ca-client
  new_key expired-partner
  if [[ ! -f expired-partner.pem ]]; then
    openssl req -new -key expired-partner.key -out expired-partner.csr \
      -subj "/serialNumber=$police_oin/O=Expired Police/CN=expired-partner" 2>/dev/null
    region_ca ca.index -in expired-partner.csr -out expired-partner.pem -notext \
      -preserveDN -startdate 20200101000000Z -enddate 20200131000000Z \
      -extfile <(printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature" \
                   "extendedKeyUsage=clientAuth")
    rm -f expired-partner.csr
  fi
  # A peer region's gateway (issue 20): its client and server certificates
  # carry its gateway OIN; a forged one carries the same OIN from another CA.
  peer_gateway_oin=00000009000000000011
  issue gateway-a-server "/serialNumber=$gateway_oin/O=Schakel gateway/CN=localhost" ca server
  issue gateway-b-client "/serialNumber=$peer_gateway_oin/O=Schakel gateway Regio B/CN=schakel-gateway-b" ca client
  issue gateway-b-server "/serialNumber=$peer_gateway_oin/O=Schakel gateway Regio B/CN=localhost" ca server
  issue forged-gateway-b-server "/serialNumber=$peer_gateway_oin/O=Forged gateway/CN=localhost" foreign-ca server
  [[ -f ca-nothing-revoked.crl ]] ||
    region_ca ca-nothing-revoked.index -gencrl -out ca-nothing-revoked.crl
  [[ -f foreign-ca.crl ]] || run_ca foreign-ca foreign-ca.index -gencrl -out foreign-ca.crl
  # Recipients' server certificates carrying their partner's OIN (endpoint_oin).
  while IFS=$'\t' read -r id oin name; do
    issue "receiver-$id" "/serialNumber=$oin/O=$name/CN=localhost" ca server
  done < <(jq -r '.partners[] | [.id, .oin, .name] | @tsv' "$region")
# The console's users with a certificate (region file "console_users"): no
# OIN, their id as CN; the console refuses a partner's certificate.
while IFS=$'\t' read -r id cn; do
  issue "console-$id" "/O=Schakel Voorbeeldregio/CN=$cn" ca client
done < <(jq -r '.console_users[]? | select(.certificate_cn) | [.id, .certificate_cn] | @tsv' "$region")
  issue receiver-double-serial \
    "/serialNumber=$first_oin/serialNumber=$police_oin/O=Two Serials/CN=localhost" ca server
fi
[[ -f ca.crl ]] || region_ca ca.index -gencrl -out ca.crl
echo "dev-pki: $out holds the region CA and its CRL, gateway, receiver and $count partner certificates"
