#!/usr/bin/env bash
# The README's second command: installs what is missing, builds everything
# and runs every test with ctest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/bootstrap.sh
scripts/build.sh
cd "${SCHAKEL_BUILD_DIR:-$root/build}"
ctest --output-on-failure --timeout 300 --parallel 2 "$@"
