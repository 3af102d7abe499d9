#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the endpoint's tests: initdb + pg_ctl in a
# temp dir, on a free loopback port, its unix socket in the same dir, trust
# auth (loopback and socket only). Run as root (CI), the cluster runs as
# `nobody` (PostgreSQL refuses to run as root), the temp dir chowned to it.
#
#   . scripts/pg.sh; pg_start; ...; pg_stop   # sourced: exports WSO_TEST_PG_URL
#   scripts/pg.sh start                       # prints the export line and the stop command
#   scripts/pg.sh stop DIR                    # tears a started cluster down
#
# WSO_TEST_PG_URL is the admin URL (database `postgres`, superuser `postgres`):
# each test creates its own database from it and drops it after.

pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  echo "pg.sh: no PostgreSQL under /usr/lib/postgresql/*/bin (scripts/setup.sh installs it)" >&2
  return 1
}

# Run a PostgreSQL binary as the cluster's owner.
pg_as_owner() {
  # From inside the cluster's dir: the caller's cwd may be closed to `nobody`.
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$WSO_PG_DIR" && runuser -u nobody -- "$@")
  else
    "$@"
  fi
}

pg_start() {
  local bin port
  bin=$(pg_bin) || return 1
  WSO_PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/wso-pg.XXXXXX")
  [ "$(id -u)" -eq 0 ] && chown nobody: "$WSO_PG_DIR"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  pg_as_owner "$bin/initdb" -D "$WSO_PG_DIR/data" -U postgres --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 >"$WSO_PG_DIR/initdb.log" 2>&1 ||
    { cat "$WSO_PG_DIR/initdb.log" >&2; return 1; }
  # fsync off: a test cluster that dies is thrown away anyway.
  pg_as_owner "$bin/pg_ctl" -D "$WSO_PG_DIR/data" -l "$WSO_PG_DIR/server.log" -w start \
    -o "-p $port -k $WSO_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" \
    >/dev/null || { cat "$WSO_PG_DIR/server.log" >&2; return 1; }
  export WSO_PG_DIR
  export WSO_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
}

pg_stop() {
  local dir=${1:-${WSO_PG_DIR:-}} bin
  [ -n "$dir" ] && [ -d "$dir/data" ] || return 0
  bin=$(pg_bin) || return 1
  WSO_PG_DIR=$dir pg_as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-start}" in
    start)
      pg_start
      echo "export WSO_TEST_PG_URL=$WSO_TEST_PG_URL"
      echo "# stop with: $0 stop $WSO_PG_DIR"
      ;;
    stop) pg_stop "${2:?usage: $0 stop DIR}" ;;
    *) echo "usage: $0 [start | stop DIR]" >&2; exit 2 ;;
  esac
fi
