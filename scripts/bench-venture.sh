#!/usr/bin/env bash
# Landscape latency with N funding rounds (default 1,000,000): examples/venture_bench.rs
# (release build) fills a fresh SQLite file and a fresh PostgreSQL database with generated
# rounds, runs funding_tracker once, and times the landscape query 20 times (p50/p95).
# Prints figures; asserts nothing. Needs about 1 GB of free disk per backend at 1M rounds.
#
#   scripts/bench-venture.sh [N]      (PostgreSQL: QUARRY_TEST_PG_URL, as the tests)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
target=${CARGO_TARGET_DIR:-target}
pg=${QUARRY_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432}
work=$(mktemp -d)
db=""
cleanup() {
  rm -rf "$work"
  if [ -n "$db" ]; then psql "$pg/postgres" -qc "drop database if exists $db with (force)" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

cargo build --release --features ssr --example venture_bench >&2
export QUARRY_LOG=warn
"$target/release/examples/venture_bench" "sqlite://$work/bench.db?mode=rwc" "$n"
echo "SQLite file: $(du -h "$work/bench.db" | cut -f1)"
rm -f "$work"/bench.db*
if psql "$pg/postgres" -Atqc 'select 1' >/dev/null 2>&1; then
  db="quarry_bench_$$"
  psql "$pg/postgres" -qc "create database $db"
  "$target/release/examples/venture_bench" "$pg/$db" "$n"
  echo "PostgreSQL database: $(psql "$pg/postgres" -Atqc "select pg_size_pretty(pg_database_size('$db'))")"
else
  echo "PostgreSQL unreachable at $pg: skipped"
fi
