#!/usr/bin/env bash
# The schakel binary as an operator uses it: help, keys init, policy lint,
# serve (port 0) answering a real curl, SIGTERM drain, audit verify, and
# start-up refusals with clear messages.
#   cli_test.sh SCHAKEL_BINARY SOURCE_DIR TEST_PKI
set -uo pipefail
schakel=$1
source_dir=$2
pki=$3
work=$(mktemp -d)
server=
trap '[[ -n $server ]] && kill $server 2>/dev/null; rm -rf "$work"' EXIT
failures=0

check() { # description, command...
  local description=$1
  shift
  if "$@"; then
    echo "ok   - $description"
  else
    echo "FAIL - $description"
    failures=$((failures + 1))
  fi
}

expect_exit() { # code, command... (output in $work/out)
  local code=$1
  shift
  "$@" >"$work/out" 2>&1
  [[ $? -eq $code ]] || { cat "$work/out"; return 1; }
}

contains() { grep -qF -- "$1" "$work/out" || { echo "missing: $1"; cat "$work/out"; return 1; }; }

write_settings() { # dir, region file
  mkdir -p "$1"
  cat >"$1/schakel.json" <<JSON
{ "guideline": "$source_dir/config/guideline.json", "region": "$2",
  "keys": "$work/keys", "data_dir": "$work/data",
  "tls": { "ca": "$pki/ca.pem", "server_cert": "$pki/gateway-server.pem", "server_key": "$pki/gateway-server.key",
           "client_cert": "$pki/gateway-client.pem", "client_key": "$pki/gateway-client.key" },
  "listen": { "address": "127.0.0.1", "port": 0 }, "admin": { "address": "127.0.0.1", "port": 0 },
  "audit": { "witness": "$work/witness.jsonl" } }
JSON
}

check "--help lists the commands" expect_exit 0 "$schakel" --help
check "... serve among them" contains "serve --config DIR"
check "an unknown command is a usage error" expect_exit 2 "$schakel" frobnicate

check "keys init creates the key directory" expect_exit 0 "$schakel" keys init --keys "$work/keys"
check "keys init refuses to overwrite" expect_exit 2 "$schakel" keys init --keys "$work/keys"
check "keys init --if-missing leaves it" expect_exit 0 "$schakel" keys init --keys "$work/keys" --if-missing

write_settings "$work/good" "$source_dir/config/example-region/region.json"
check "policy lint passes the example region" expect_exit 0 "$schakel" policy lint --config "$work/good"
check "... and names its hash" contains "policy sound: region"
check "... lists a purpose the person's inzage defers, with its release" contains "purpose criminal-case-referral deferred until released by prosecutor from the person; ground: AVG art. 23"
check "... and one it withholds" contains "purpose radicalisation-signal withheld from the person"
check "... but not a visible one" bash -c "! grep -q '^inzage: .*purpose e33-confused-behaviour' '$work/out'"

sed 's/"pseudonym_domain": "ggz-voorbeeld"/"pseudonym_domian": "ggz-voorbeeld"/' \
  "$source_dir/config/example-region/region.json" >"$work/bad-region.json"
write_settings "$work/bad" "$work/bad-region.json"
check "policy lint takes DIR as a word too" expect_exit 0 "$schakel" policy lint "$work/good"
message="$source_dir/config/example-region/messages/e33-signal.json"
check "policy explain shows an allowed message" expect_exit 0 "$schakel" policy explain "$work/good" \
  --from 00000001002345678000 --to 00000003003456789000 --purpose e33-confused-behaviour --level 2 "$message"
check "... with the rule per field" contains "postcode                       postcode4    guideline.json#/purposes/e33-confused-behaviour/levels/2/fields/postcode"
check "policy explain --json names the refusing rule" expect_exit 1 "$schakel" policy explain --config "$work/good" \
  --from 00000001002345678000 --to 00000001004567890000 --purpose e33-confused-behaviour "$message" --json
check "... as JSON" contains '"rule": "guideline.json#/purposes/e33-confused-behaviour/recipients"'
check "policy lint fails a broken region" expect_exit 1 "$schakel" policy lint --config "$work/bad"
check "... naming file and JSON path" contains "bad-region.json: /partners/2/pseudonym_domian: unknown member"
check "serve refuses a broken region" expect_exit 2 "$schakel" serve --config "$work/bad"
check "... saying why" contains "/partners/2/pseudonym_domain: is required"

chmod 644 "$work/keys/master.key"
check "serve refuses a readable key file" expect_exit 2 "$schakel" serve --config "$work/good"
check "... naming it" contains "master.key is readable by group or others"
chmod 600 "$work/keys/master.key"

"$schakel" serve --config "$work/good" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q gateway.started "$work/serve.log" && break; sleep 0.1; done
port=$(sed -n 's/.* listen=127.0.0.1:\([0-9]*\) .*/\1/p' "$work/serve.log")
admin=$(sed -n 's/.* admin=127.0.0.1:\([0-9]*\) .*/\1/p' "$work/serve.log")
check "serve starts on a free port" test -n "$port"

curl -sS --cacert "$pki/ca.pem" --cert "$pki/partner-politie-eenheid-voorbeeld.pem" \
  --key "$pki/partner-politie-eenheid-voorbeeld.key" -H 'Content-Type: application/json' \
  -H 'Schakel-Recipient: 00000001004567890000' -H 'Schakel-Purpose: e33-confused-behaviour' \
  --data @"$source_dir/config/example-region/messages/e33-signal.json" \
  -o "$work/out" -w '%{http_code}' "https://localhost:$port/v1/messages" >"$work/status"
check "curl as the police gets a refusal" grep -q 403 "$work/status"
check "... as problem+json with the rule" contains '"rule":"guideline.json#/purposes/e33-confused-behaviour/recipients"'

curl -sS "http://127.0.0.1:$admin/readyz" >"$work/out"
check "/readyz is ready" contains '"status":"ready"'

kill -HUP $server
for _ in $(seq 50); do grep -q policy.reloaded "$work/serve.log" && break; sleep 0.1; done
cp "$work/serve.log" "$work/out"
check "SIGHUP reloads the policy" contains "policy.reloaded old=sha256:"
curl -sS -X POST "http://127.0.0.1:$admin/admin/reload" >"$work/out"
check "POST /admin/reload without the token is refused" contains '"type":"urn:schakel:problem:unauthorized"'
curl -sS -X POST -H "Authorization: Bearer $(cat "$work/data/admin-token")" \
  "http://127.0.0.1:$admin/admin/reload" >"$work/out"
check "POST /admin/reload with the token reloads it too" contains '"status":"reloaded"'

kill -TERM $server
wait $server
code=$?
server=
check "SIGTERM drains and exits 0" test $code -eq 0
cp "$work/serve.log" "$work/out"
check "... logging the stop" contains "gateway.stopped abandoned=0"
check "the log holds no BSN" bash -c "! grep -q 999990019 '$work/serve.log'"

check "audit verify finds the trail intact" expect_exit 0 "$schakel" audit verify --config "$work/good"
check "... with the refusal's and the reloads' records" contains "audit trail intact: 3 records"
check "... and says loudly that it checked no signature" contains "WARNING: signatures NOT checked"
check "the shutdown's checkpoint reached the witness" grep -q '"sequence":3' "$work/witness.jsonl"

check "keys rotate starts a new epoch" expect_exit 0 "$schakel" keys rotate --config "$work/good" --domain ggz-voorbeeld
check "... epoch 2" contains "domain ggz-voorbeeld is now at epoch 2"
check "... recorded in the audit trail" contains "audit record 4 written"
check "keys rotate without --domain is a usage error" expect_exit 2 "$schakel" keys rotate --config "$work/good"
mkdir -p "$work/keys/audit-keys"
head -c 32 /dev/urandom >"$work/keys/audit-keys/2020-01.key"
chmod 600 "$work/keys/audit-keys/2020-01.key"
check "keys shred destroys old audit keys" expect_exit 0 "$schakel" keys shred --config "$work/good" --before 2021-01
check "... naming the months" contains "shredded the audit keys of 2020-01"
check "... and the file is gone" test ! -e "$work/keys/audit-keys/2020-01.key"
check "keys shred refuses a malformed month" expect_exit 2 "$schakel" keys shred --config "$work/good" --before 2021
check "keys export-public writes the signing key" expect_exit 0 "$schakel" keys export-public --keys "$work/keys"
check "... as ed25519:HEX" grep -qE '^ed25519:[0-9a-f]{64}$' "$work/out"
check "the key events keep the chain intact" expect_exit 0 "$schakel" audit verify --config "$work/good"
check "... 5 records" contains "audit trail intact: 5 records"
check "the rotated epoch is in epochs.json" grep -q '"ggz-voorbeeld": 2' "$work/keys/epochs.json"

"$schakel" keys export-public --keys "$work/keys" --out "$work/public.key" >/dev/null
check "audit verify checks the signed checkpoints" expect_exit 0 "$schakel" audit verify --config "$work/good" --public-key "$work/public.key"
check "... the shutdown's and each key event's" contains "3 checkpoints (signatures valid)"
check "audit verify --witness checks the witnessed checkpoints" expect_exit 0 "$schakel" audit verify --config "$work/good" --public-key "$work/public.key" --witness "$work/witness.jsonl"
check "... naming how far they reach" contains "3 witnessed checkpoints through sequence 5"
check "--witness without --public-key is a usage error" expect_exit 2 "$schakel" audit verify --config "$work/good" --witness "$work/witness.jsonl"
check "audit query by BSN finds the refusal" expect_exit 0 "$schakel" audit query --config "$work/good" --bsn 999990019
check "... as a table" contains "refused"
check "... 1 record" contains "1 record(s)"
check "audit query refuses a bad BSN" expect_exit 2 "$schakel" audit query --config "$work/good" --bsn 123456789
check "audit query --json by partner" expect_exit 0 "$schakel" audit query --config "$work/good" --partner 00000001004567890000 --json
check "... names the rule" contains '"rule": "guideline.json#/purposes/e33-confused-behaviour/recipients"'
check "audit export writes the access report" expect_exit 0 "$schakel" audit export --config "$work/good" --subject 999990019 --html "$work/report.html"
check "... with the refused request" contains '"geweigerdeVerzoeken": 1'
check "... and a readable Dutch page" grep -q "Geweigerde verzoeken om gegevens over u (er is niets gedeeld): 1" "$work/report.html"
check "... holding no BSN" bash -c "! grep -q 999990019 '$work/report.html'"
check "handovers list after a run" expect_exit 0 "$schakel" handovers list --config "$work/good"
check "... says how many are open" contains "0 open handover(s)"
check "handovers list --json" expect_exit 0 "$schakel" handovers list --config "$work/good" --json
check "... an array" contains "[]"
check "handovers without list is a usage error" expect_exit 2 "$schakel" handovers --config "$work/good"
check "keys shred takes --before or --reidentification, not both" expect_exit 2 "$schakel" keys shred --config "$work/good" --before 2021-01 --reidentification
check "keys shred --reidentification ends re-identification" expect_exit 0 "$schakel" keys shred --config "$work/good" --reidentification
check "... and says so" contains "re-identification has ended for good: reidentification.key destroyed"
check "... the key file is gone" test ! -e "$work/keys/reidentification.key"
check "... and marked ended" test -e "$work/keys/reidentification.ended"
check "... once: again, nothing is left to destroy" expect_exit 0 "$schakel" keys shred --config "$work/good" --reidentification
check "... saying so" contains "its key was destroyed before"
check "... and no load makes a new key" bash -c "'$schakel' keys export-public --keys '$work/keys' >/dev/null && test ! -e '$work/keys/reidentification.key'"
check "audit prune refuses a --now that is no date" expect_exit 2 "$schakel" audit prune --config "$work/good" --now yesterday
check "... touching nothing" expect_exit 0 "$schakel" audit verify --config "$work/good" --public-key "$work/public.key"
check "... all 7 records still there" contains "audit trail intact: 7 records"
check "audit prune removes expired records" expect_exit 0 "$schakel" audit prune --config "$work/good" --now 2040-01-01
check "... all of them here" contains "pruned 7 records (through sequence 7)"
check "... but never this month's audit key, which the gateway uses" test -e "$work/keys/audit-keys/$(date -u +%Y-%m).key"
check "the pruned trail still verifies" expect_exit 0 "$schakel" audit verify --config "$work/good" --public-key "$work/public.key"
check "... from its signed cut" contains "audit trail intact: 1 records"
# The prune rolled the trail and wrote its signed cut as the newest segment's
# first frame (68-byte header, payload length at byte 8): cut that frame out.
newest=$(ls "$work/data/trail"/trail-*.log | tail -n 1)
cut_frame=$((68 + $(od -An -tu4 -j8 -N4 "$newest")))
tail -c +$((cut_frame + 1)) "$newest" >"$work/rest.log" && mv "$work/rest.log" "$newest"
check "deleting the cut's checkpoint is detected" expect_exit 1 "$schakel" audit verify --config "$work/good" --public-key "$work/public.key"
check "... naming the first bad sequence" contains "BROKEN at sequence 8"
check "the prune's cut was witnessed too" grep -q '"sequence":7' "$work/witness.jsonl"

if [[ $failures -gt 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all CLI checks passed"
