#!/usr/bin/env bash
# Builds the Debian package: build/schakel_VERSION_ARCH.deb (cmake/package.cmake).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SCHAKEL_BUILD_DIR:-$root/build}
"$root/scripts/build.sh"
cd "$build"
cpack -G DEB
ls -1 "$build"/schakel_*.deb
