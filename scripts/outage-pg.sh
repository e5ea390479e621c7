#!/usr/bin/env bash
# PostgreSQL stopped under a running server, then started again. A private cluster (initdb
# on a free port, in a temporary folder) so the machine's own PostgreSQL is never touched.
# Checks, and prints the figures:
#   - before: /readyz 200 and the pages 200;
#   - PostgreSQL stopped (past the 5 s pages and answers are kept): /readyz 503 and every
#     page and endpoint an error answer (a 5xx, or the page with the error in place of its
#     data), each within 2 s, none hanging;
#   - PostgreSQL back: the server recovers by itself (no restart), and how long it took.
# Needs the debug server (`cargo build --features ssr`) and PostgreSQL's server binaries
# (Debian: postgresql); as root it runs the cluster as the `postgres` user.
#
#   scripts/outage-pg.sh            exit status 0 when every check holds
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "outage-pg: PostgreSQL's server binaries are missing (apt-get install postgresql)" >&2; exit 2; }
[ -x "$target/debug/quarry" ] || { echo "outage-pg: build the server first: cargo build --features ssr" >&2; exit 2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
work=$(mktemp -d)
chmod 755 "$work"
as_pg=()
if [ "$(id -u)" = 0 ]; then chown postgres "$work"; as_pg=(runuser -u postgres --); fi
pg_port=$(free_port)
port=$(free_port)
server_pid=""
pg() { "${as_pg[@]}" "$bin/pg_ctl" -D "$work/pg" -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1" -l "$work/pg.log" -w "$@" >/dev/null; }
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  pg -m immediate stop 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"${as_pg[@]}" "$bin/initdb" -D "$work/pg" -A trust -U postgres >/dev/null
pg start
psql "postgres://postgres@127.0.0.1:$pg_port/postgres" -qc "create database quarry"
mkdir -p "$work/q" && touch "$work/q/Leptos.toml"
QUARRY_DATA_DIR="$work/q/data" QUARRY_CONFIG="$work/q/Leptos.toml" QUARRY_BACKFILL_ON_START=0 \
  DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/quarry" LEPTOS_SITE_ADDR="127.0.0.1:$port" \
  LEPTOS_SITE_ROOT="$target/site" "$target/debug/quarry" serve --demo >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.5; done

urls=(/readyz / /commodities/gold /venture /venture/funding /charts /jobs /api/commodities/overview /api/venture/landscape)
failed=0
# probe PHASE WANT: every URL once; WANT is "ok" (2xx) or "down": within 2 s, /readyz 503
# and every other URL a 503 whose body (a page or JSON) says the database is not answering.
probe() {
  local phase=$1 want=$2
  for u in "${urls[@]}"; do
    read -r code secs < <(curl -s -m 10 -o "$work/body" -w '%{http_code} %{time_total}\n' "http://127.0.0.1:$port$u" || echo "000 10")
    local verdict=ok
    if [ "$want" = ok ]; then
      [[ $code == 2* ]] || verdict=FAIL
    elif ! awk -v s="$secs" 'BEGIN { exit !(s < 2.0) }'; then
      verdict="FAIL (slow)"
    elif [ "$u" = /readyz ]; then
      [ "$code" = 503 ] || verdict=FAIL
    elif [ "$code" != 503 ]; then
      verdict="FAIL (not a 503)"
    elif ! grep -q "not answering" "$work/body"; then
      verdict="FAIL (no error shown)"
    fi
    [ "$verdict" = ok ] || failed=1
    printf '%-8s %-26s %s in %5.3f s  %s\n' "$phase" "$u" "$code" "$secs" "$verdict"
  done
}

probe before ok
pg -m fast stop
# Past the 5 s for which answers and pages are kept (a kept page is served meanwhile).
sleep 6
probe stopped down
pg start
started=$(date +%s.%N)
recovered=""
for _ in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && curl -fs -o /dev/null "http://127.0.0.1:$port/commodities/gold"; then
    recovered=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    break
  fi
  sleep 0.25
done
if [ -n "$recovered" ]; then
  echo "recovered by itself ${recovered} s after PostgreSQL was back (no restart of quarry)"
else
  echo "FAIL: not recovered within 30 s of PostgreSQL being back"
  failed=1
fi
probe after ok
kill -0 "$server_pid" 2>/dev/null && echo "the server ran throughout (pid $server_pid)" || { echo "FAIL: the server died"; failed=1; }
[ "$failed" = 0 ] && echo "outage-pg: ok" || { echo "outage-pg: FAILED"; tail -20 "$work/server.log"; }
exit "$failed"
