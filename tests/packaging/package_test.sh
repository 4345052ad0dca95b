#!/usr/bin/env bash
# The Debian package as an operator installs it (issue 18): built with cpack
# from this build; its contents and dependencies; `dpkg -i` makes the schakel
# user, /etc/schakel (root:schakel 0750) and /var/lib/schakel (schakel 0750);
# the unit passes `systemd-analyze verify` and `systemd-analyze security`
# (exposure at most 2.0); configured with the example region, `schakel check`
# passes as the schakel user and the unit's ExecStart, run as that user,
# delivers the README's first message; `dpkg -r` and `dpkg --purge` remove
# it and keep the trail. Changes the machine (a package, a user): root only,
# otherwise skipped (exit 77). Without systemd as PID 1 (containers, CI) the
# unit's sandbox itself is not applied here; the security report checks it.
#   package_test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1
source_dir=$2
if [[ $(id -u) -ne 0 ]] || ! command -v dpkg >/dev/null || ! command -v systemd-analyze >/dev/null; then
  echo "SKIPPED: needs root, dpkg and systemd-analyze (scripts/bootstrap.sh installs them)"
  exit 77
fi
work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  dpkg --purge schakel >/dev/null 2>&1
  rm -rf /etc/schakel /var/lib/schakel "$work"
  getent passwd schakel >/dev/null && deluser --system schakel >/dev/null 2>&1
}
trap cleanup EXIT
failures=0
check() { # description, command...
  local description=$1
  shift
  if "$@"; then echo "ok   - $description"; else echo "FAIL - $description"; failures=$((failures + 1)); fi
}
has() { grep -qE -- "$2" "$1" || { echo "missing /$2/ in $1:"; head -50 "$1"; return 1; }; }
mode_owner() { [[ $(stat -c '%a %U:%G' "$1") == "$2" ]] || { stat -c '%n: %a %U:%G' "$1"; return 1; }; }

if dpkg -s schakel >/dev/null 2>&1; then
  echo "SKIPPED: a schakel package is installed on this machine; the test will not touch it"
  trap - EXIT; rm -rf "$work"; exit 77
fi
getent passwd schakel >/dev/null && deluser --system schakel >/dev/null 2>&1

(cd "$build" && cpack -G DEB -B "$work/pkg" >"$work/cpack.log" 2>&1)
deb=$(ls "$work"/pkg/schakel_*.deb 2>/dev/null | head -1)
check "cpack builds the package" test -f "$deb"
[[ -f $deb ]] || { cat "$work/cpack.log"; exit 1; }
dpkg-deb -c "$deb" >"$work/contents"
dpkg-deb -I "$deb" >"$work/info"
check "it holds the binary" has "$work/contents" '\./usr/bin/schakel$'
check "... the unit" has "$work/contents" '\./usr/lib/systemd/system/schakel\.service$'
check "... the guideline" has "$work/contents" '\./usr/share/schakel/guideline\.json$'
check "... the example configuration" has "$work/contents" '\./usr/share/doc/schakel/examples/schakel\.json$'
check "... the operations guide and the OpenAPI contract" has "$work/contents" 'doc/schakel/openapi\.json$'
check "... and names its libraries as dependencies" has "$work/info" 'Depends:.*libsodium.*'
check "... and adduser" has "$work/info" 'Depends:.*adduser'

check "dpkg -i installs it" dpkg -i "$deb"
check "... making the schakel system user" bash -c 'id -u schakel >/dev/null && (( $(id -u schakel) < 1000 ))'
check "... /etc/schakel root:schakel 0750" mode_owner /etc/schakel "750 root:schakel"
check "... /var/lib/schakel schakel 0750" mode_owner /var/lib/schakel "750 schakel:schakel"
unit=/usr/lib/systemd/system/schakel.service
check "systemd-analyze verify passes the unit" bash -c "systemd-analyze verify $unit >$work/verify 2>&1 && ! grep -q . $work/verify || { cat $work/verify; false; }"
systemd-analyze security --offline=true "$unit" >"$work/security" 2>&1
exposure=$(sed -n 's/.*Overall exposure level for schakel.service: \([0-9.]*\).*/\1/p' "$work/security")
echo "     exposure level: ${exposure:-?}"
check "systemd-analyze security rates it at most 2.0" awk -v e="${exposure:-99}" 'BEGIN { exit !(e <= 2.0) }'

# Configure it as docs/operations.md says: the region, its PKI, schakel.json.
examples=/usr/share/doc/schakel/examples
receiver_port=$((20000 + RANDOM % 20000))
sed "s#https://127.0.0.1:9101/#https://127.0.0.1:$receiver_port/#" "$examples/region.json" >/etc/schakel/region.json
bash "$examples/dev-pki.sh" /etc/schakel/pki /etc/schakel/region.json >/dev/null
jq '.listen = {"address": "127.0.0.1", "port": 0} | .admin = {"address": "127.0.0.1", "port": 0}
    | del(.tls.crl)' "$examples/schakel.json" >/etc/schakel/schakel.json
chown -R root:schakel /etc/schakel
chmod -R g+rX,o-rwx /etc/schakel
check "keys init as the schakel user" runuser -u schakel -- schakel keys init --keys /var/lib/schakel/keys
check "schakel check passes as the schakel user" runuser -u schakel -- schakel check --config /etc/schakel

schakel demo-receiver --config /etc/schakel >"$work/receiver.log" 2>&1 &
pids+=($!)
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
# The unit's command line, as the unit's user, in a directory it cannot write.
(cd / && exec runuser -u schakel -- $exec_start) >"$work/serve.log" 2>&1 &
pids+=($!)
port=
for _ in $(seq 1 300); do
  port=$(grep -o '"event":"gateway.started".*"listen":"127.0.0.1:[0-9]*"' "$work/serve.log" | grep -o '[0-9]*"$' | tr -d '"')
  [[ -n $port ]] && break
  sleep 0.1
done
check "the unit's ExecStart starts the gateway (JSON logs)" test -n "$port"
pki=/etc/schakel/pki
curl -sS --cacert $pki/ca.pem --cert $pki/partner-politie-eenheid-voorbeeld.pem \
  --key $pki/partner-politie-eenheid-voorbeeld.key -o "$work/reply" -w '%{http_code}' \
  -H 'Content-Type: application/json' -H 'Schakel-Recipient: 00000003003456789000' \
  -H 'Schakel-Purpose: e33-confused-behaviour' -H 'Schakel-Level: 2' \
  --data @"$examples/messages/e33-signal.json" "https://localhost:$port/v1/messages" >"$work/status"
check "the README's first message is delivered" bash -c "[[ \$(cat $work/status) == 200 ]] || { cat $work/status $work/reply; false; }"
sleep 0.5
check "... and the receiver got it" has "$work/receiver.log" 'Schakel-Purpose: e33-confused-behaviour'
check "the trail is the schakel user's" bash -c '[[ $(stat -c %U /var/lib/schakel/data) == schakel ]]'
kill "${pids[1]}" 2>/dev/null; wait "${pids[1]}" 2>/dev/null

check "dpkg -r removes it" dpkg -r schakel
check "... the binary is gone" test ! -e /usr/bin/schakel
check "... and the unit" test ! -e "$unit"
check "... the trail and keys are kept" test -d /var/lib/schakel/data -a -d /var/lib/schakel/keys
check "dpkg --purge forgets it" bash -c 'dpkg --purge schakel >/dev/null && ! dpkg -s schakel >/dev/null 2>&1'

[[ $failures -eq 0 ]] && echo "all package checks passed"
exit $((failures > 0))
