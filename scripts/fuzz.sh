#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz (see tests/fuzz/README.md): a clang
# build in build-fuzz/ with SCHAKEL_FUZZ=ON (ASan+UBSan, coverage), then each
# target in turn on a copy of its seed corpus until it has used SECONDS of
# CPU (user + system; on a busy machine that takes longer than SECONDS of
# wall time), at nice 10.
#   scripts/fuzz.sh                      10 s per target (CI)
#   scripts/fuzz.sh 600                  the hardening bar: 10 CPU-minutes per target
#   scripts/fuzz.sh 60 redaction strict_json
#   SCHAKEL_FUZZ_JOBS=2 scripts/fuzz.sh 600   two targets at a time
# Prints per target: CPU seconds, executions, coverage (cov:), corpus size
# before and after, and any crash, timeout, leak or OOM file. Exits 1 when a
# target found one. New inputs stay in build-fuzz/work/TARGET/corpus; to keep the
# interesting ones: TARGET_fuzz -merge=1 tests/fuzz/corpus/TARGET build-fuzz/work/TARGET/corpus
# Needs clang 19 (Debian 12: clang-19 libclang-rt-19-dev; installed when run as root).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-10}
[[ $# -gt 0 ]] && shift
all=(http_request canonical_json_codec strict_json envelope_and_trace policy_loader pseudonym_text
     redaction audit_verify proxy_protocol)
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=("${all[@]}")
build=${SCHAKEL_FUZZ_BUILD_DIR:-$root/build-fuzz}

# clang 19 is the first of Debian 12's that has C++23's <expected> with libstdc++ 12.
cxx=$(command -v clang++-19 || true)
if [[ -z $cxx ]]; then
  "$root/scripts/bootstrap.sh" clang-19 libclang-rt-19-dev
  cxx=$(command -v clang++-19)
fi
cc=${cxx/clang++/clang}

if [[ ! -f $build/build.ninja ]]; then
  CC=$cc CXX=$cxx cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSCHAKEL_FUZZ=ON -DSCHAKEL_BUILD_TESTS=OFF -DSCHAKEL_BUILD_BENCH=OFF >/dev/null
fi
nice -n 10 cmake --build "$build" --parallel "$(nproc)" --target "${targets[@]/%/_fuzz}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
symbolizer=$(command -v llvm-symbolizer-19 || command -v llvm-symbolizer || true)
[[ -n $symbolizer ]] && export ASAN_SYMBOLIZER_PATH=$symbolizer

# Runs one target until it has used $seconds of CPU; writes its summary line
# to $build/work/TARGET/summary and returns non-zero on a finding.
fuzz_one() { # target
  local target=$1 seeds=$root/tests/fuzz/corpus/$1 work=$build/work/$1
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts" "$work/scratch"
  cp "$seeds"/* "$work/corpus/"
  local before cpu=0 status=0
  before=$(find "$work/corpus" -type f | wc -l)
  echo "fuzz: $target until ${seconds} CPU-seconds (log: $work/log)"
  local options=(-rss_limit_mb=2048 -timeout=20 -max_len=8192 -artifact_prefix="$work/artifacts/"
                 -print_final_stats=1)
  local dict=$root/tests/fuzz/$target.dict
  [[ -f $dict ]] && options+=(-dict="$dict")
  : >"$work/log"
  while [[ $cpu -lt $seconds && $status -eq 0 ]]; do
    local left=$((seconds - cpu))
    { TIMEFORMAT='%U %S'; time SCHAKEL_FUZZ_SCRATCH=$work/scratch nice -n 10 \
        "$build/tests/fuzz/${target}_fuzz" "$work/corpus" -max_total_time=$((left < 20 ? 20 : left)) \
        "${options[@]}" >>"$work/log" 2>&1; } 2>"$work/time" || status=$?
    cpu=$((cpu + $(awk '{ printf "%d", $1 + $2 + 0.5 }' "$work/time")))
    [[ -z $(find "$work/artifacts" -type f | head -1) ]] || status=1
  done
  rm -rf "$work/scratch"
  local after execs cov found line
  after=$(find "$work/corpus" -type f | wc -l)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | awk '{ s += $1 } END { print s }')
  cov=$({ grep -o 'cov: [0-9]*' "$work/log" || true; } | tail -1 | cut -d' ' -f2)
  found=$(find "$work/artifacts" -type f | head -1)
  line=$(printf '%-22s %5s CPU-s  execs %-10s cov %-6s corpus %s -> %s' "$target" "$cpu" \
    "${execs:-?}" "${cov:-?}" "$before" "$after")
  if [[ $status -ne 0 || -n $found ]]; then
    line+="  FOUND ${found:-(see log)}"
    grep -m1 -A12 -E 'ERROR: |fuzz property violated|runtime error' "$work/log" || tail -20 "$work/log"
  fi
  echo "$line" >"$work/summary"
  [[ $status -eq 0 && -z $found ]]
}

jobs_at_once=${SCHAKEL_FUZZ_JOBS:-1}
failed=()
running=()
for target in "${targets[@]}"; do
  fuzz_one "$target" &
  running+=("$!:$target")
  while [[ ${#running[@]} -ge $jobs_at_once ]]; do
    wait "${running[0]%%:*}" || failed+=("${running[0]#*:}")
    running=("${running[@]:1}")
  done
done
for job in "${running[@]}"; do wait "${job%%:*}" || failed+=("${job#*:}"); done
summary=()
for target in "${targets[@]}"; do summary+=("$(cat "$build/work/$target/summary")"); done

echo
echo "fuzz summary (per target: CPU seconds, executions, coverage, corpus before -> after):"
printf '  %s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: findings in ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, no findings"
