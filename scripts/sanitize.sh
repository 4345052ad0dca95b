#!/usr/bin/env bash
# The test suite under sanitisers, each in its own build directory:
#   asan  build-asan/: the whole project with ASan+UBSan (UBSan never
#         recovers), then every ctest test.
#   tsan  build-tsan/: the gateway tests (schakel_gateway_tests) with TSan.
#   scripts/sanitize.sh            both
#   scripts/sanitize.sh tsan       one of them; extra arguments go to ctest
# Suppressions, each with its reason: tests/sanitizers/*.supp. Compiler: g++
# (the one Schakel ships with), or SCHAKEL_SANITIZE_CXX (e.g. clang++-19).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kinds=()
while [[ $# -gt 0 && ( $1 == asan || $1 == tsan ) ]]; do
  kinds+=("$1")
  shift
done
[[ ${#kinds[@]} -eq 0 ]] && kinds=(asan tsan)

cxx=${SCHAKEL_SANITIZE_CXX:-g++}
case $cxx in
  *clang++*) cc=${cxx/clang++/clang} ;;
  *g++*) cc=${cxx/g++/gcc} ;;
  *) cc=cc ;;
esac
symbolizer=$(command -v llvm-symbolizer-19 || command -v llvm-symbolizer || true)
supp=$root/tests/sanitizers

configure() {  # build-dir sanitizers
  if [[ ! -f $1/build.ninja ]]; then
    CC=$cc CXX=$cxx cmake -S "$root" -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DSCHAKEL_SANITIZE="$2" -DSCHAKEL_BUILD_BENCH=OFF >/dev/null
  fi
}

for kind in "${kinds[@]}"; do
  case $kind in
    asan)
      build=${SCHAKEL_ASAN_BUILD_DIR:-$root/build-asan}
      configure "$build" address,undefined
      echo "sanitize: ASan+UBSan build in $build"
      nice -n 10 cmake --build "$build" --parallel "$(nproc)"
      export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1
      export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=$supp/ubsan.supp
      export LSAN_OPTIONS=suppressions=$supp/lsan.supp
      [[ -n $symbolizer ]] && export ASAN_SYMBOLIZER_PATH=$symbolizer
      (cd "$build" && ctest --output-on-failure --timeout 900 --parallel 2 "$@")
      ;;
    tsan)
      build=${SCHAKEL_TSAN_BUILD_DIR:-$root/build-tsan}
      configure "$build" thread
      echo "sanitize: TSan build in $build"
      nice -n 10 cmake --build "$build" --parallel "$(nproc)" --target schakel_gateway_tests
      export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$supp/tsan.supp"
      [[ -n $symbolizer ]] && export TSAN_OPTIONS+=" external_symbolizer_path=$symbolizer"
      (cd "$build" && ctest --output-on-failure --timeout 900 -R '^gateway_tests$' "$@")
      ;;
  esac
done
echo "sanitize: ${kinds[*]} passed"
