#!/usr/bin/env bash
# A local Schakel cluster in one directory (issue 17), for development and
# the tests: PostgreSQL 15 primary + hot standby with synchronous
# replication (scripts/pg-local.sh), N `schakel serve` instances sharing the
# trail and the key directory, and HAProxy in TCP mode in front — mutual
# TLS ends at the gateways, each connection opened with a PROXY v2 header,
# health-checked on each instance's /readyz.
#
#   scripts/cluster.sh up DIR [--settings FILE] [--instances N] [--schakel BIN]
#       FILE: the settings every instance starts from (default: the example
#       region's, config/example-region/schakel.json, with its development
#       PKI made under var/ when missing). Each instance gets its own data_dir, ports
#       and the PostgreSQL store; keys, guideline, region and TLS are shared.
#       Prints, and writes to DIR/cluster.env, where everything listens.
#   scripts/cluster.sh down DIR                   everything stopped (gateways drained)
#   scripts/cluster.sh gateway DIR I start|stop|kill   instance I (1..N): started,
#                                                 drained with SIGTERM, or SIGKILLed
#   scripts/cluster.sh conninfo DIR              the instances' conninfo
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pg_local=$root/scripts/pg-local.sh

die() { echo "cluster: $*" >&2; exit 1; }

used_ports=" "
free_port() {  # a port nothing listens on (and not handed out before)
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 30000))
    [[ $used_ports == *" $port "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      used_ports+="$port "
      echo "$port"
      return
    fi
  done
  die "no free port found"
}

wait_ready() {  # admin port, what, log
  for _ in $(seq 1 300); do
    if curl -fsS "http://127.0.0.1:$1/readyz" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  die "$2 not ready after 30 s; its log: $3"
}

load_env() {
  [[ -f $1/cluster.env ]] || die "no cluster in $1 (scripts/cluster.sh up $1)"
  # shellcheck disable=SC1091
  source "$1/cluster.env"
}

gateway() {  # DIR I start|stop|kill
  local dir=$1 i=$2 action=$3 pid_file=$1/gw-$2/pid
  load_env "$dir"
  case $action in
    start)
      if [[ -f $pid_file ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
        die "instance $i runs already"
      fi
      "$schakel" serve --config "$dir/gw-$i" >>"$dir/gw-$i/serve.log" 2>&1 &
      echo $! > "$pid_file"
      local admin_var=gateway_${i}_admin
      wait_ready "${!admin_var}" "instance $i" "$dir/gw-$i/serve.log"
      ;;
    stop|kill)
      [[ -f $pid_file ]] || return 0
      local pid
      pid=$(cat "$pid_file")
      kill "-$([[ $action == kill ]] && echo KILL || echo TERM)" "$pid" 2>/dev/null || true
      for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
      rm -f "$pid_file"
      ;;
    *) die "gateway: start, stop or kill" ;;
  esac
}

up() {
  local dir=$1
  shift
  local example=$root/config/example-region/schakel.json
  local settings=$example instances=3
  schakel=$root/build/cli/schakel
  while [[ $# -gt 0 ]]; do
    case $1 in
      --settings) settings=$2; shift 2 ;;
      --instances) instances=$2; shift 2 ;;
      --schakel) schakel=$2; shift 2 ;;
      *) die "unknown option $1" ;;
    esac
  done
  [[ $instances =~ ^[1-9]$ ]] || die "--instances: 1 to 9"
  [[ -x $schakel ]] || die "no schakel binary at $schakel (scripts/build.sh)"
  command -v haproxy >/dev/null || die "HAProxy is not installed (scripts/bootstrap.sh installs it)"
  [[ ! -e $dir/cluster.env ]] || die "$dir holds a cluster already"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  settings=$(cd "$(dirname "$settings")" && pwd)/$(basename "$settings")
  if [[ $settings == "$example" ]]; then  # the example region's development PKI, as run-example.sh
    "$root/config/dev-pki.sh" "$root/var/example-region/pki" \
      "$root/config/example-region/region.json" >/dev/null
  fi

  "$pg_local" init "$dir/pg-primary"
  "$pg_local" standby "$dir/pg-standby" "$dir/pg-primary"
  local conninfo
  conninfo=$("$pg_local" conninfo "$dir/pg-primary" "$dir/pg-standby")

  local base keys
  base=$(dirname "$settings")
  keys=$(jq -r --arg base "$base" \
    '.keys | if startswith("/") then . else $base + "/" + . end' "$settings")
  "$schakel" keys init --keys "$keys" --if-missing >/dev/null

  local port
  port=$(free_port)
  {
    echo "schakel=$schakel"
    echo "instances=$instances"
    echo "port=$port"
    echo "conninfo='$conninfo'"
    echo "password_file=$dir/pg-primary/password"
    echo "pg_primary=$dir/pg-primary"
    echo "pg_standby=$dir/pg-standby"
  } > "$dir/cluster.env.new"
  local servers="" i listen admin
  for i in $(seq 1 "$instances"); do
    listen=$(free_port)
    admin=$(free_port)
    mkdir -p "$dir/gw-$i"
    jq --arg base "$base" --arg data "$dir/gw-$i/data" --argjson listen "$listen" \
       --argjson admin "$admin" --arg conninfo "$conninfo" \
       --arg password "$dir/pg-primary/password" --argjson n "$instances" '
      def abs: if startswith("/") then . else $base + "/" + . end;
      .guideline |= abs | .region |= abs | .keys |= abs | .tls |= map_values(abs)
      | if .audit.witness then .audit.witness |= abs else . end
      | .data_dir = $data
      | .listen = {address: "127.0.0.1", port: $listen, proxy_protocol: true}
      | .admin = {address: "127.0.0.1", port: $admin}
      | .store = {kind: "postgresql", conninfo: $conninfo, password_file: $password}
      | .cluster = {instances: $n}
      | .timeouts_ms.drain_notice = 1500
      | del(.console)' "$settings" > "$dir/gw-$i/schakel.json"
    echo "gateway_${i}_port=$listen" >> "$dir/cluster.env.new"
    echo "gateway_${i}_admin=$admin" >> "$dir/cluster.env.new"
    servers+="  server gw$i 127.0.0.1:$listen send-proxy-v2 check port $admin"$'\n'
  done
  mv "$dir/cluster.env.new" "$dir/cluster.env"
  for i in $(seq 1 "$instances"); do gateway "$dir" "$i" start; done

  cat > "$dir/haproxy.cfg" <<EOF
# Generated by scripts/cluster.sh. TCP mode: the partner's TLS reaches the
# gateway untouched (it must see the client certificate); PROXY v2 tells it
# the partner's address. An instance is taken out while its /readyz is not
# 200 (draining, or its trail unwritable) and a connection it refuses is
# tried on another.
global
  maxconn 4096
defaults
  mode tcp
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  retries 3
  option redispatch
frontend partners
  bind 127.0.0.1:$port
  default_backend gateways
backend gateways
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter 500ms fall 1 rise 2
$servers
EOF
  haproxy -c -q -f "$dir/haproxy.cfg" || die "HAProxy refuses $dir/haproxy.cfg"
  haproxy -D -p "$dir/haproxy.pid" -f "$dir/haproxy.cfg" 2>>"$dir/haproxy.log" ||
    die "HAProxy did not start: $dir/haproxy.log"
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  echo "cluster: HAProxy on 127.0.0.1:$port before $instances gateways; PostgreSQL in $dir/pg-primary (+ standby)"
  echo "cluster: scripts/cluster.sh down $dir  stops it"
}

down() {
  local dir=$1 i
  load_env "$dir"
  if [[ -f $dir/haproxy.pid ]]; then
    kill "$(cat "$dir/haproxy.pid")" 2>/dev/null || true
    rm -f "$dir/haproxy.pid"
  fi
  for i in $(seq 1 "$instances"); do gateway "$dir" "$i" stop; done
  "$pg_local" stop "$pg_standby" 2>/dev/null || true
  "$pg_local" stop "$pg_primary" 2>/dev/null || true
}

case ${1:-} in
  up) [[ $# -ge 2 ]] || die "up DIR"; up "${@:2}" ;;
  down) [[ $# -eq 2 ]] || die "down DIR"; down "$2" ;;
  gateway) [[ $# -eq 4 ]] || die "gateway DIR I start|stop|kill"; gateway "$2" "$3" "$4" ;;
  conninfo) load_env "$2"; echo "$conninfo" ;;
  *) sed -n '2,19p' "$0" >&2; exit 2 ;;
esac
