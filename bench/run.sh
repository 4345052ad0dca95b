#!/usr/bin/env bash
# Side-by-side benchmark on this machine, in one run: the same loopback
# upstream (schakel demo-receiver --quiet, mutual TLS) measured
#   1. directly (the ceiling),
#   2. behind nginx as a plain mutual-TLS reverse proxy (keep-alive both ways),
#   3. behind Schakel with its whole pipeline (policy, minimisation,
#      pseudonymisation, the durable audit trail log),
# with the same load generator (bench/loadgen.cpp), request mix and concurrency.
# Prints a Markdown table and writes every raw result as JSON lines, each row
# as soon as it is measured (bench/out/run-TIME.jsonl, or next to --out): a
# failure in a late step keeps, and prints, every row measured before it.
# Besides the headline rows, two diagnostic rows (never the headline) split
# durability from CPU: the trail on tmpfs, and the trail without fdatasync.
#
#   bench/run.sh [--quick] [--out FILE.md]     (as root: installs nginx if missing)
#   bench/run.sh --profile [--body-bytes N]    (c=16, 1 KB or N under `perf record`)
#   bench/run.sh --attack                      (a partner's latency under connection floods)
#   bench/run.sh --region                      (signal registrations, and messages beside them)
#   bench/run.sh --cluster                     (1, 2, 3 gateways on PostgreSQL behind HAProxy)
#
# --quick: 3-second runs instead of 10 (for a smoke check, not for RESULTS.md).
# --profile: instead of the table, Schakel's own CPU by function (inclusive),
#            the figures of the profile section of bench/RESULTS.md.
# --attack:  instead of the table, a well-behaved partner (c=4, 1 KB) alone
#            and while slowhttptest runs slow headers, slow body and slow read
#            (2,000 connections each) and while 2,000 idle TCP connections are
#            held: p99 under attack over p99 alone (issue 9: at most 2).
# --region:  instead of the table, the region's own work (issue 14): signal
#            registrations (an SQLite transaction with fsync and a durable
#            audit record each, on an I/O thread) at c=1 and c=16, and the
#            messages' c=16 latency alone and while signals (c=4) run beside
#            them: what the region's SQLite writes cost the messages; and
#            messages with Prefer: respond-async (issue 15: 202 once sealed and
#            queued; the Courier delivers them after).
# --cluster: instead of the table, messages/s (c=16, 1 KB) of nginx, of one
#            gateway on the embedded trail, and of 1, 2 and 3 gateways on
#            PostgreSQL behind HAProxy (scripts/cluster.sh: synchronous standby,
#            PROXY v2), with the database's CPU and WAL bytes per message.
# SCHAKEL_BENCH_PRELOAD=LIB: the gateway runs with LD_PRELOAD=LIB (an
#            allocator to compare, e.g. before linking it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

duration=10
warmup=2
out=
profile=
attack=
region=
cluster=
profile_bytes=1024
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) duration=3; warmup=1 ;;
    --out) out=$2; shift ;;
    --profile) profile=1 ;;
    --attack) attack=1 ;;
    --region) region=1 ;;
    --cluster) cluster=1 ;;
    --body-bytes) profile_bytes=$2; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

scripts/bootstrap.sh nginx ${profile:+linux-perf} ${attack:+slowhttptest}
scripts/build.sh -DSCHAKEL_BUILD_BENCH=ON >/dev/null
build=${SCHAKEL_BUILD_DIR:-$root/build}
schakel=$build/cli/schakel
loadgen=$build/bench/schakel-loadgen

work=$(mktemp -d /tmp/schakel-bench.XXXXXX)
tmpfs_data=$(mktemp -d /dev/shm/schakel-bench.XXXXXX)
if [[ -n $out ]]; then
  results=${out%.md}.jsonl
else
  mkdir -p "$root/bench/out"
  results=$root/bench/out/run-$(date -u +%Y%m%dT%H%M%SZ).jsonl
fi
: >"$results"
echo "bench: rows go to $results as they are measured" >&2
pids=()
finished=
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -z $cluster || ! -f $work/cluster/cluster.env ]] || scripts/cluster.sh down "$work/cluster" || true
  if [[ -z $finished && -s $results && -z $profile && -z $attack && -z $region && -z $cluster ]]; then
    echo "bench/run.sh: stopped early; the rows measured so far:" >&2
    table >&2 || true
  fi
  rm -rf "$tmpfs_data"
  [[ -n ${SCHAKEL_BENCH_KEEP:-} ]] || rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  local port
  while :; do
    port=$((RANDOM % 20000 + 30000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# Fails, showing the end of its log, when the server `pid` has exited.
still_running() { # pid log what
  kill -0 "$1" 2>/dev/null && return 0
  echo "bench/run.sh: $3 exited; its log ($2):" >&2
  tail -20 "$2" >&2
  return 1
}

wait_for_port() { # port pid log
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    still_running "$2" "$3" "the server for port $1" || return 1
    sleep 0.1
  done
  echo "bench/run.sh: nothing listens on port $1 after 30 s" >&2
  return 1
}

upstream_port=$(free_port)
nginx_port=$(free_port)
pki=$work/pki
config=$work/region
mkdir -p "$config"
jq --arg port "$upstream_port" \
  '.partners |= map(.endpoint |= sub("127\\.0\\.0\\.1:[0-9]+"; "127.0.0.1:" + $port))' \
  config/example-region/region.json >"$config/region.json"
config/dev-pki.sh "$pki" "$config/region.json" >/dev/null
"$schakel" keys init --keys "$work/keys" >/dev/null

write_settings() { # threads port admin-port [data-dir [audit-members]]
  local audit=
  [[ -n ${5:-} ]] && audit="\"audit\": { $5 },"
  cat >"$config/schakel.json" <<JSON
{ "guideline": "$root/config/guideline.json", "region": "region.json",
  "keys": "$work/keys", "data_dir": "${4:-$work/data-$1}",
  $audit
  "tls": { "ca": "$pki/ca.pem", "server_cert": "$pki/gateway-server.pem",
           "server_key": "$pki/gateway-server.key", "client_cert": "$pki/gateway-client.pem",
           "client_key": "$pki/gateway-client.key" },
  "listen": { "address": "127.0.0.1", "port": $2 },
  "admin": { "address": "127.0.0.1", "port": $3 },
  "threads": $1,
  "limits": { "max_body_bytes": 1048576, "max_header_bytes": 16384, "max_connections": 4096,
              "max_idle_upstream_per_endpoint": 512,
              "pseudonym_ops_per_minute": 100000000, "pseudonym_burst": 1000000 } }
JSON
}

write_settings 2 "$(free_port)" "$(free_port)"
"$schakel" demo-receiver --config "$config" --quiet >"$work/upstream.log" 2>&1 &
upstream_pid=$!
pids+=("$upstream_pid")
wait_for_port "$upstream_port" "$upstream_pid" "$work/upstream.log"

cat >"$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_max_body_size 1m;
  keepalive_requests 1000000;
  upstream recipient { server 127.0.0.1:$upstream_port; keepalive 512; }
  server {
    listen 127.0.0.1:$nginx_port ssl;
    ssl_certificate $pki/gateway-server.pem;
    ssl_certificate_key $pki/gateway-server.key;
    ssl_client_certificate $pki/ca.pem;
    ssl_verify_client on;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / {
      proxy_pass https://recipient;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_ssl_certificate $pki/gateway-client.pem;
      proxy_ssl_certificate_key $pki/gateway-client.key;
      proxy_ssl_trusted_certificate $pki/ca.pem;
      proxy_ssl_verify on;
      proxy_ssl_name localhost;
      proxy_ssl_session_reuse on;
    }
  }
}
NGINX
nginx -c "$work/nginx.conf" -p "$work" -g 'daemon off;' &
pids+=("$!")
wait_for_port "$nginx_port" "$!" "$work/nginx-error.log"
for _ in $(seq 50); do [[ -s $work/nginx.pid ]] && break; sleep 0.1; done
nginx_master=$(cat "$work/nginx.pid")
nginx_pids=$nginx_master,$(pgrep -d, -P "$nginx_master")

table() {
  echo "| target | body | conc. | req/s | p50 ms | p99 ms | p99.9 ms | server CPU µs/req | peak RSS MB | errors |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  jq -r '"| \(.label) | \(.body_bytes) | \(.connections) | \(.rps|floor) | \(.p50_ms) | \(.p99_ms) | \(.p999_ms) | \(.server_cpu_us_per_request // 0 | floor) | \(.server_peak_rss_mb // 0 | floor) | \(.errors + .non_2xx) |"' "$results"
  echo
  echo "| body | conc. | Schakel/nginx req/s | Schakel − nginx p99 ms |"
  echo "|---|---|---|---|"
  jq -rs 'map(select(.label=="nginx" or .label=="schakel")) | group_by([.body_bytes,.connections])[]
          | (map(select(.label=="nginx"))[0]) as $n | (map(select(.label=="schakel"))[0]) as $s
          | "| \($n.body_bytes) | \($n.connections) | \(($s.rps/$n.rps*100|floor)/100) | \((($s.p99_ms-$n.p99_ms)*100|floor)/100) |"' "$results"
  echo
  echo "| FHIR sender: body | conc. | Schakel FHIR/nginx req/s | FHIR/canonical req/s | FHIR − canonical CPU µs/req |"
  echo "|---|---|---|---|---|"
  jq -rs 'map(select(.label=="nginx" or .label=="schakel" or .label=="schakel-fhir"))
          | group_by([.body_bytes,.connections])[] | select(any(.label=="schakel-fhir"))
          | (map(select(.label=="nginx"))[0]) as $n | (map(select(.label=="schakel"))[0]) as $s
          | (map(select(.label=="schakel-fhir"))[0]) as $f
          | "| \($f.body_bytes) | \($f.connections) | \(($f.rps/$n.rps*100|floor)/100) | \(($f.rps/$s.rps*100|floor)/100) | \(($f.server_cpu_us_per_request-$s.server_cpu_us_per_request)|floor) |"' "$results"
  echo
  jq -rs '(map(select(.label=="schakel" and .connections==16 and .body_bytes==1024))[0].rps) as $two
          | (map(select(.label=="schakel-1-thread"))[0].rps) as $one
          | "Schakel 2 threads / 1 thread at c=16, 1 KB: \(($two/$one*100|floor)/100)"' "$results"
  jq -rs 'map(select(.label=="schakel" and .connections==16 and .body_bytes==1024))[0]
          | "Schakel with durable audit, c=16, 1 KB: \(1000000/.server_cpu_us_per_request|floor) messages per second per core"' \
    "$results"
}
schakel_pid=
# Starts the gateway on ports it picks itself (0: no race for a free port) and
# waits until it is ready: its start line names the ports, /readyz answers 200.
start_schakel() { # threads [data-dir [audit-extra]]
  local log=$work/schakel-$1-$RANDOM.log started=
  write_settings "$1" 0 0 "${2:-}" "${3:-}"
  env ${SCHAKEL_BENCH_PRELOAD:+LD_PRELOAD=$SCHAKEL_BENCH_PRELOAD} "$schakel" serve --config "$config" >"$log" 2>&1 &
  schakel_pid=$!
  pids+=("$schakel_pid")
  for _ in $(seq 600); do
    started=$(grep -m1 ' gateway.started ' "$log" || true)
    [[ -n $started ]] && break
    still_running "$schakel_pid" "$log" "the gateway" || return 1
    sleep 0.1
  done
  [[ -n $started ]] || { echo "bench/run.sh: the gateway did not start in 60 s" >&2; return 1; }
  schakel_port=$(sed -E 's/.* listen=[^ ]*:([0-9]+).*/\1/' <<<"$started")
  schakel_admin=$(sed -E 's/.* admin=[^ ]*:([0-9]+).*/\1/' <<<"$started")
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$schakel_admin/readyz" >/dev/null && return 0
    sleep 0.1
  done
  echo "bench/run.sh: the gateway is not ready after 10 s" >&2
  return 1
}
stop_schakel() {
  kill -TERM "$schakel_pid"
  wait "$schakel_pid" 2>/dev/null || true
}

police=(--ca "$pki/ca.pem" --cert "$pki/partner-politie-eenheid-voorbeeld.pem"
        --key "$pki/partner-politie-eenheid-voorbeeld.key")
headers=(--recipient 00000003003456789000 --purpose e33-confused-behaviour --level 2)

measure() { # label port pids connections body-bytes recurring [format [loadgen-flag]]
  local label=$1 port=$2 measured=$3 connections=$4 bytes=$5 recurring=$6 format=${7:-canonical}
  local flag=${8:-}
  local target=/ggz sent=("${headers[@]}")
  [[ $label == schakel* || $label == diagnostic* ]] && target=/v1/messages
  [[ $format == signal ]] && target=/v1/signals sent=()
  echo "bench: $label c=$connections body=$bytes recurring=$recurring" >&2
  "$loadgen" --port "$port" --target "$target" "${police[@]}" ${sent[@]+"${sent[@]}"} \
    --connections "$connections" --threads 1 --duration "$duration" --warmup "$warmup" \
    --body-bytes "$bytes" --recurring "$recurring" --pids "$measured" --label "$label" \
    --format "$format" ${flag:+"$flag"} | tee -a "$results"
}

start_schakel 2
if [[ -n $profile ]]; then
  "$loadgen" --port "$schakel_port" --target /v1/messages "${police[@]}" "${headers[@]}" \
    --connections 16 --duration 8 --warmup 1 --body-bytes "$profile_bytes" --pids "$schakel_pid" \
    --label profile >"$work/profile.json" &
  load=$!
  sleep 2
  perf record -F 499 --call-graph dwarf,16384 -p "$schakel_pid" -o "$work/perf.data" -- sleep 4 \
    2>/dev/null
  wait "$load"
  cat "$work/profile.json"
  perf report -i "$work/perf.data" --children --percent-limit 2 --stdio -g none 2>/dev/null \
    | grep -E 'schakel::|fdatasync|sqlite3_step|SSL_(read|write)' | cut -c1-150 | head -40
  echo "-- self time by library, then by function (top 30)"
  perf report -i "$work/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null \
    | grep -E '^ +[0-9]' | head -12
  perf report -i "$work/perf.data" --no-children --percent-limit 0.5 --stdio -g none 2>/dev/null \
    | grep -E '^ +[0-9]' | cut -c1-150 | head -30
  mkdir -p "$root/bench/out" && cp "$work/perf.data" "${results%.jsonl}.perf.data"
  echo "bench: perf data kept in ${results%.jsonl}.perf.data" >&2
  exit 0
fi
if [[ -n $attack ]]; then
  attack_load() { # label
    "$loadgen" --port "$schakel_port" --target /v1/messages "${police[@]}" "${headers[@]}" \
      --connections 4 --duration "$duration" --warmup "$warmup" --pids "$schakel_pid" \
      --label "$1" | tee -a "$results" >/dev/null
  }
  hold_idle() { # count: TCP connections that never say a word, held until killed
    local fds=()
    for _ in $(seq "$1"); do exec {fd}<>"/dev/tcp/127.0.0.1/$schakel_port" && fds+=("$fd"); done
    sleep 3600
  }
  attack_load alone
  for mode in -H -B -X; do
    slowhttptest "$mode" -c 2000 -r 500 -i 5 -l $((duration + warmup + 5)) -s 65536 -p 3 \
      -u "https://127.0.0.1:$schakel_port/v1/messages" >"$work/slowhttptest$mode.log" 2>&1 &
    attacker=$!
    sleep 3
    attack_load "slowhttptest$mode"
    kill "$attacker" 2>/dev/null || true
    wait "$attacker" 2>/dev/null || true
  done
  hold_idle 2000 &
  idle=$!
  sleep 3
  attack_load idle-2000
  kill "$idle" 2>/dev/null || true
  curl -s "http://127.0.0.1:$schakel_admin/metrics" \
    | grep -E '^schakel_(connections_(shed|rejected)|tls_handshakes_failed)' >"$work/metrics"
  echo "| partner load (c=4, 1 KB) | req/s | p50 ms | p99 ms | p99 / p99 alone | errors |"
  echo "|---|---|---|---|---|---|"
  jq -rs '(map(select(.label=="alone"))[0].p99_ms) as $base | .[] |
          "| \(.label) | \(.rps|floor) | \(.p50_ms) | \(.p99_ms) | \((.p99_ms/$base*100|floor)/100) | \(.errors + .non_2xx) |"' "$results"
  sed 's/^/    /' "$work/metrics"
  exit 0
fi
if [[ -n $region ]]; then
  measure schakel "$schakel_port" "$schakel_pid" 16 1024 0.8 >/dev/null
  measure signals "$schakel_port" "$schakel_pid" 1 0 0.8 signal >/dev/null
  measure signals "$schakel_port" "$schakel_pid" 16 0 0.8 signal >/dev/null
  measure signals-beside-messages "$schakel_port" "$schakel_pid" 4 0 0.8 signal >/dev/null &
  beside=$!
  sleep 1
  measure schakel-beside-signals "$schakel_port" "$schakel_pid" 16 1024 0.8 >/dev/null
  wait "$beside"
  measure schakel-async "$schakel_port" "$schakel_pid" 16 1024 0.8 canonical --prefer-async \
    >/dev/null
  stop_schakel
  echo "| load | conc. | req/s | p50 ms | p99 ms | p99.9 ms | server CPU µs/req | errors |"
  echo "|---|---|---|---|---|---|---|---|"
  jq -r '"| \(.label) | \(.connections) | \(.rps|floor) | \(.p50_ms) | \(.p99_ms) | \(.p999_ms) | \(.server_cpu_us_per_request // 0 | floor) | \(.errors + .non_2xx) |"' "$results"
  jq -rs '(map(select(.label=="schakel"))[0]) as $a | (map(select(.label=="schakel-beside-signals"))[0]) as $b
          | "Messages c=16 beside signals c=4 / alone: req/s \(($b.rps/$a.rps*100|floor)/100), p99 \(($b.p99_ms/$a.p99_ms*100|floor)/100)"' "$results"
  finished=1
  exit 0
fi
if [[ -n $cluster ]]; then
  # PostgreSQL runs as "postgres" when this runs as root: it must reach $work.
  chmod o+x "$work"
  measure nginx "$nginx_port" "$nginx_pids" 16 1024 0.8 >/dev/null
  measure schakel-sqlite "$schakel_port" "$schakel_pid" 16 1024 0.8 >/dev/null
  stop_schakel
  pg_ticks() {  # CPU ticks of every process of the PostgreSQL servers in $work/cluster
    local total=0 pid
    for pid in $(pgrep -f "postgres -D $work/cluster/pg-" || true) \
               $(for p in $(pgrep -f "postgres -D $work/cluster/pg-" || true); do pgrep -P "$p"; done); do
      [[ -r /proc/$pid/stat ]] || continue
      total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
    done
    echo "$total"
  }
  wal_lsn() { scripts/pg-local.sh psql "$work/cluster/pg-primary" -At -c "SELECT pg_current_wal_lsn()"; }
  for instances in 1 2 3; do
    scripts/cluster.sh up "$work/cluster" --settings "$config/schakel.json" \
      --instances "$instances" --schakel "$schakel" >"$work/cluster-$instances.log" 2>&1 ||
      { tail -20 "$work/cluster-$instances.log" >&2; exit 1; }
    # shellcheck disable=SC1091
    source "$work/cluster/cluster.env"
    gateways=$(for i in $(seq "$instances"); do cat "$work/cluster/gw-$i/pid"; done | paste -sd,)
    measured=$gateways,$(cat "$work/cluster/haproxy.pid")
    ticks=$(pg_ticks)
    lsn=$(wal_lsn)
    row=$(measure "schakel-pg-$instances" "$port" "$measured" 16 1024 0.8)
    ticks=$(( $(pg_ticks) - ticks ))
    wal=$(scripts/pg-local.sh psql "$work/cluster/pg-primary" -At \
          -c "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$lsn')")
    # The rows of the results file: this row with the database's cost per message (the warm-up's too).
    sed -i '$d' "$results"
    jq -c --argjson ticks "$ticks" --argjson hz "$(getconf CLK_TCK)" --argjson wal "$wal" \
      --argjson seconds $((duration + warmup)) \
      '. + {db_cpu_us_per_request: ($ticks * 1000000 / $hz / (.rps * $seconds)),
            db_wal_bytes_per_request: ($wal / (.rps * $seconds))}' <<<"$row" >>"$results"
    scripts/cluster.sh down "$work/cluster" >/dev/null 2>&1
    rm -rf "$work/cluster"
  done
  finished=1
  {
  echo "| target | conc. | req/s | p50 ms | p99 ms | gateways+HAProxy CPU µs/req | PostgreSQL CPU µs/req | WAL bytes/req | errors |"
  echo "|---|---|---|---|---|---|---|---|---|"
  jq -r '"| \(.label) | \(.connections) | \(.rps|floor) | \(.p50_ms) | \(.p99_ms) | \(.server_cpu_us_per_request // 0 | floor) | \(.db_cpu_us_per_request // 0 | floor) | \(.db_wal_bytes_per_request // 0 | floor) | \(.errors + .non_2xx) |"' "$results"
  } | tee ${out:+"$out"}
  exit 0
fi
for bytes in 1024 32768; do
  for connections in 1 16 256; do
    measure upstream "$upstream_port" "$upstream_pid" "$connections" "$bytes" 0.8 >/dev/null
    measure nginx "$nginx_port" "$nginx_pids" "$connections" "$bytes" 0.8 >/dev/null
    measure schakel "$schakel_port" "$schakel_pid" "$connections" "$bytes" 0.8 >/dev/null
  done
done
measure schakel-all-new "$schakel_port" "$schakel_pid" 16 1024 0 >/dev/null
stop_schakel
# The police as a FHIR sender (issue 13): the same message as a FHIR R4 Bundle,
# to the same recipient in canonical JSON.
cp "$config/region.json" "$work/region-canonical.json"
jq '.partners |= map(if .id == "politie-eenheid-voorbeeld" then .format = "application/fhir+json" else . end)' \
  "$work/region-canonical.json" >"$config/region.json"
start_schakel 2
for bytes in 1024 32768; do
  measure schakel-fhir "$schakel_port" "$schakel_pid" 16 "$bytes" 0.8 fhir >/dev/null
done
stop_schakel
cp "$work/region-canonical.json" "$config/region.json"
start_schakel 1
measure schakel-1-thread "$schakel_port" "$schakel_pid" 16 1024 0.8 >/dev/null
stop_schakel
# Diagnostics: what durability costs, apart from the CPU.
start_schakel 2 "$tmpfs_data/data"
measure diagnostic-trail-on-tmpfs "$schakel_port" "$schakel_pid" 16 1024 0.8 >/dev/null
stop_schakel
start_schakel 2 "$work/data-nofsync" '"unsafe_skip_fsync": true'
measure diagnostic-no-fsync "$schakel_port" "$schakel_pid" 16 1024 0.8 >/dev/null
stop_schakel

finished=1
table | tee ${out:+"$out"}
