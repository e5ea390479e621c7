#!/usr/bin/env bash
# Backfill throughput: `quarry backfill` (release build) loads the whole universe from the
# local upstream (examples/upstream.rs, 40 years of daily history) into a fresh SQLite file
# and a fresh PostgreSQL database, and prints the rows per second it reports. A second run
# on each shows that unchanged upstream data writes 0 rows. Prints figures; asserts nothing.
#
#   scripts/bench-backfill.sh [YEARS]      (PostgreSQL: QUARRY_TEST_PG_URL, as the tests)
set -euo pipefail
cd "$(dirname "$0")/.."
years=${1:-40}
target=${CARGO_TARGET_DIR:-target}
pg=${QUARRY_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432}
work=$(mktemp -d)
cleanup() { [ -n "${up_pid:-}" ] && kill "$up_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

cargo build --release --features ssr --bin quarry --example upstream >&2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$target/release/examples/upstream" --port "$port" --years "$years" >"$work/upstream.log" 2>&1 &
up_pid=$!
for _ in $(seq 1 40); do grep -q '^export' "$work/upstream.log" 2>/dev/null && break; sleep 0.25; done
head -1 "$work/upstream.log"
eval "$(grep '^export' "$work/upstream.log")"
export QUARRY_CONFIG="$work/none.toml" QUARRY_DATA_DIR="$work/data" QUARRY_LOG=warn
touch "$QUARRY_CONFIG"

run() { echo "$1: $("$target/release/quarry" backfill 2>/dev/null | tail -1)"; }
run "SQLite, first run "
run "SQLite, second run"
if psql "$pg/postgres" -Atqc 'select 1' >/dev/null 2>&1; then
  db="quarry_bench_$$"
  psql "$pg/postgres" -qc "create database $db"
  export DATABASE_URL="$pg/$db"
  run "PostgreSQL, first run "
  run "PostgreSQL, second run"
  psql "$pg/postgres" -qc "drop database $db with (force)"
else
  echo "PostgreSQL unreachable at $pg: skipped"
fi
