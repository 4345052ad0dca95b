#!/usr/bin/env bash
# A PostgreSQL 15 server of its own in a directory, for development and the
# tests (issue 17): no TCP port, only a Unix socket in DIR (so any number run
# side by side), database "schakel", role "schakel" with a password (DIR's
# password file, mode 600), replication allowed for a hot standby.
# PostgreSQL refuses to run as root: as root the server runs as the
# "postgres" user (Debian's package makes it), which then owns DIR.
#
#   scripts/pg-local.sh init DIR            a new primary (DIR must not exist), started
#   scripts/pg-local.sh standby DIR PRIMARY a hot standby of PRIMARY's server, started; the
#                                            primary waits for it at every commit
#                                            (synchronous replication: nothing acknowledged
#                                            is lost when the standby is promoted)
#   scripts/pg-local.sh start|stop DIR      (stop: fast shutdown)
#   scripts/pg-local.sh kill DIR            the server killed at once (immediate)
#   scripts/pg-local.sh promote DIR         the standby made primary
#   scripts/pg-local.sh conninfo DIR...     "host=DIR1,DIR2 … dbname=schakel user=schakel"
#   scripts/pg-local.sh psql DIR [ARGS]     psql as the superuser
#   scripts/pg-local.sh dump DIR            pg_dump of the database to stdout
set -euo pipefail

bin=${SCHAKEL_PG_BIN:-/usr/lib/postgresql/15/bin}
if [[ ! -x $bin/postgres ]]; then
  echo "pg-local: PostgreSQL 15 is not installed ($bin/postgres); scripts/bootstrap.sh installs it" >&2
  exit 3
fi

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

make_owned_dir() {
  mkdir -p "$1"
  if [[ $(id -u) -eq 0 ]] && ! runuser -u postgres -- test -x "$1"; then
    echo "pg-local: the postgres user cannot reach $1: make the directories above it" \
      "traversable (chmod o+x)" >&2
    exit 2
  fi
  chmod 700 "$1"
  if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$1"; fi
}

start() {
  as_owner "$bin/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 60 start >/dev/null
}

settings() {  # the server's settings, common to primary and standby
  cat <<EOF
listen_addresses = ''
unix_socket_directories = '$1'
unix_socket_permissions = 0777
max_connections = 100
shared_buffers = 32MB
wal_level = replica
max_wal_senders = 4
hot_standby = on
wal_keep_size = 256MB
log_min_messages = warning
log_line_prefix = '%m [%p] '
EOF
}

cmd=${1:-}
case $cmd in
  init)
    dir=$2
    [[ ! -e $dir ]] || { echo "pg-local: $dir exists" >&2; exit 2; }
    make_owned_dir "$dir"
    password=$(openssl rand -hex 16)
    printf '%s\n' "$password" > "$dir/password"
    chmod 600 "$dir/password"
    printf '%s\n' "$password" > "$dir/.pwinit"
    chmod 600 "$dir/.pwinit"
    if [[ $(id -u) -eq 0 ]]; then chown postgres "$dir/.pwinit"; fi
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth-local=peer -E UTF8 \
      --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    settings "$dir" >> "$dir/data/postgresql.conf"
    cat > "$dir/data/pg_hba.conf" <<EOF
local all postgres peer
local replication postgres peer
local all schakel scram-sha-256
EOF
    start "$dir"
    as_owner "$bin/psql" -h "$dir" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE schakel LOGIN PASSWORD '$(cat "$dir/.pwinit")'" \
      -c "CREATE DATABASE schakel OWNER schakel" >/dev/null
    rm -f "$dir/.pwinit"
    ;;
  standby)
    dir=$2 primary=$3
    [[ ! -e $dir ]] || { echo "pg-local: $dir exists" >&2; exit 2; }
    make_owned_dir "$dir"
    cp "$primary/password" "$dir/password"
    as_owner "$bin/pg_basebackup" -h "$primary" -U postgres -D "$dir/data" -X stream -R \
      -c fast >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; exit 1; }
    # Its own socket directory; the standby's name, for the primary's synchronous list.
    settings "$dir" >> "$dir/data/postgresql.conf"
    echo "primary_conninfo = 'host=$primary user=postgres application_name=standby'" \
      >> "$dir/data/postgresql.auto.conf"
    start "$dir"
    as_owner "$bin/psql" -h "$primary" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
      -c "ALTER SYSTEM SET synchronous_standby_names = 'standby'" \
      -c "SELECT pg_reload_conf()" >/dev/null
    ;;
  start) start "$2" ;;
  stop) as_owner "$bin/pg_ctl" -D "$2/data" -m fast -w -t 60 stop >/dev/null ;;
  kill) as_owner "$bin/pg_ctl" -D "$2/data" -m immediate -w -t 60 stop >/dev/null ;;
  promote)
    as_owner "$bin/pg_ctl" -D "$2/data" -w -t 60 promote >/dev/null
    # Alone now: a primary that waited for a standby would wait for ever.
    as_owner "$bin/psql" -h "$2" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
      -c "ALTER SYSTEM SET synchronous_standby_names = ''" -c "SELECT pg_reload_conf()" >/dev/null
    ;;
  conninfo)
    shift
    hosts=$(IFS=,; echo "$*")
    echo "host=$hosts dbname=schakel user=schakel target_session_attrs=read-write"
    ;;
  psql)
    dir=$2
    shift 2
    as_owner "$bin/psql" -h "$dir" -U postgres -d schakel -X -q "$@"
    ;;
  dump) as_owner "$bin/pg_dump" -h "$2" -U postgres -d schakel ;;
  *)
    sed -n '2,20p' "$0" >&2
    exit 2
    ;;
esac
