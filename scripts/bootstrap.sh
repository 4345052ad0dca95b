#!/usr/bin/env bash
# Installs the Debian 12 packages Schakel builds and runs with, only those
# missing (a second when everything is present), and the npm packages of the
# tests (tests/support/fhir: the FHIR validator; tests/console: playwright-core,
# which drives Debian's Chromium; tests/openapi: @redocly/cli, the OpenAPI
# linter), from package-lock.json. Run as root.
#   scripts/bootstrap.sh [extra-package ...]
set -euo pipefail

packages=(g++ cmake ninja-build ccache pkg-config git
          libboost1.81-dev libssl-dev libsodium-dev nlohmann-json3-dev
          libgtest-dev libbenchmark-dev libre2-dev libsimdjson-dev libjemalloc-dev libsqlite3-dev sqlite3 libpq-dev libsystemd-dev postgresql-15 haproxy systemd dpkg-dev openssl jq curl procps tzdata chromium "$@")

# Node.js for the tests' npm packages: Debian's, unless a node and npm are there.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

root=$(cd "$(dirname "$0")/.." && pwd)
npm_packages() {
  local dir package
  for dir in tests/support/fhir:fhir tests/console:playwright-core tests/openapi:@redocly/cli; do
    package=${dir#*:}
    dir=${dir%%:*}
    if [[ ! -f $root/$dir/node_modules/$package/package.json ]]; then
      echo "bootstrap: npm ci in $dir"
      (cd "$root/$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done
}

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$package")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  npm_packages
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "bootstrap: missing packages: ${missing[*]}; run as root to install them" >&2
  exit 1
fi
echo "bootstrap: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
npm_packages
