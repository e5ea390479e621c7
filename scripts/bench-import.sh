#!/usr/bin/env bash
# Import throughput (10 MB CSV and JSON on SQLite and PostgreSQL) and the server's memory
# under 24 unauthenticated 10 MB uploads. Release build; prints figures, asserts nothing.
#
#   scripts/bench-import.sh      (PostgreSQL: QUARRY_TEST_PG_URL, as the tests)
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
cargo build --release --features ssr --bin quarry >&2
exec python3 scripts/bench_import.py "$target/release/quarry"
