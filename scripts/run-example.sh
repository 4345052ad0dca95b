#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, creates the
# example region's development PKI and keys on first run (under var/), starts
# the demo receiver standing in for the partners' endpoints, and runs the
# gateway in the foreground. Ctrl-C drains and stops both.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

scripts/bootstrap.sh
scripts/build.sh

config=config/example-region
state=var/example-region
schakel=build/cli/schakel
config/dev-pki.sh "$state/pki" "$config/region.json" >/dev/null
"$schakel" keys init --keys "$state/keys" --if-missing >/dev/null
"$schakel" policy lint --config "$config"

"$schakel" demo-receiver --config "$config" > "$state/demo-receiver.log" 2>&1 &
receiver=$!
# The console for privacy officers and regions, beside the gateway. The
# example's password user gets a password and TOTP secret on first run
# (development only: both are printed below and kept in $state/console-login.txt).
if [[ ! -f $state/console-login.txt ]]; then
  password=$(openssl rand -base64 18)
  printf '%s\n' "$password" | "$schakel" console passwd --config "$config" --user privacy-team \
    > "$state/console-login.txt"
  printf 'user: privacy-team\npassword: %s\n' "$password" >> "$state/console-login.txt"
  chmod 600 "$state/console-login.txt"
fi
"$schakel" console --config "$config" > "$state/console.log" 2>&1 &
console=$!
trap 'kill $receiver $console 2>/dev/null || true' EXIT

pki=$state/pki
police="--cacert $pki/ca.pem --cert $pki/partner-politie-eenheid-voorbeeld.pem --key $pki/partner-politie-eenheid-voorbeeld.key"
cat <<MSG

Schakel is starting on https://localhost:8443 (admin: http://127.0.0.1:8444/readyz).
What the recipients receive is printed to $state/demo-receiver.log:
  tail -f $state/demo-receiver.log

1) As the police, send an E33 signal to the mental-health provider (delivered, minimised, pseudonymised):

curl -sS $police \\
  -H 'Content-Type: application/json' -H 'Schakel-Recipient: 00000003003456789000' \\
  -H 'Schakel-Purpose: e33-confused-behaviour' -H 'Schakel-Level: 2' \\
  --data @$config/messages/e33-signal.json https://localhost:8443/v1/messages

2) The same signal to Veilig Thuis is refused (403, and the rule that refused it):

curl -sS $police \\
  -H 'Content-Type: application/json' -H 'Schakel-Recipient: 00000001004567890000' \\
  -H 'Schakel-Purpose: e33-confused-behaviour' \\
  --data @$config/messages/e33-signal.json https://localhost:8443/v1/messages

Verify the audit trail at any time:  $schakel audit verify --config $config

The console for privacy officers and regions: https://localhost:8445/ (development certificate:
accept it in the browser). Sign in as privacy-team with the password and a code from the TOTP
secret in $state/console-login.txt, or import $pki/console-fg-voorbeeld.pem/.key as a client
certificate.

MSG
"$schakel" serve --config "$config"
