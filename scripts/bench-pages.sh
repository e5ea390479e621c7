#!/usr/bin/env bash
# Request latency of the instrument page and the history endpoint over a 40-year daily
# series: `quarry backfill` (release) loads the local upstream (examples/upstream.rs) into a
# fresh SQLite file, `quarry serve` computes the signals (run now), then each URL is asked
# N times in a row with curl and the median (p50) and p95 are printed. Asserts nothing.
#
#   scripts/bench-pages.sh [YEARS] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
years=${1:-40}
n=${2:-50}
target=${CARGO_TARGET_DIR:-target}
work=$(mktemp -d)
cleanup() { for p in ${up_pid:-} ${srv_pid:-}; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cargo build --release --features ssr --bin quarry --example upstream >&2
QUARRY_BUILD_SERVER=0 scripts/build.sh >&2
up_port=$(free_port)
"$target/release/examples/upstream" --port "$up_port" --years "$years" >"$work/upstream.log" 2>&1 &
up_pid=$!
for _ in $(seq 1 40); do grep -q '^export' "$work/upstream.log" 2>/dev/null && break; sleep 0.25; done
eval "$(grep '^export' "$work/upstream.log")"
export QUARRY_CONFIG="$work/none.toml" QUARRY_DATA_DIR="$work/data" QUARRY_LOG=warn
touch "$QUARRY_CONFIG"
echo "backfill: $("$target/release/quarry" backfill 2>/dev/null | tail -1)"

port=$(free_port)
LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT="$target/site" QUARRY_ADMIN_TOKEN=bench \
  QUARRY_BACKFILL_ON_START=0 "$target/release/quarry" serve >"$work/serve.log" 2>&1 &
srv_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 120); do curl -fsS "$base/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS -X POST -H 'Authorization: Bearer bench' -d 'job=commodity_signals' "$base/api/jobs/run" >/dev/null
for _ in $(seq 1 240); do
  curl -fsS "$base/api/commodities/gold" | grep -q '"signals":{' && break
  sleep 0.5
done
obs=$(curl -fsS "$base/api/commodities/gold/history?interval=raw&points=10000" | python3 -c 'import json,sys; h=json.load(sys.stdin); print(h["total_observations"], h["from"], h["to"])')
echo "gold: $obs (observations, first, last)"

measure() {
  local label=$1 url=$2
  curl -fsS -o /dev/null "$base$url" # warm-up
  for _ in $(seq 1 "$n"); do curl -fsS -o /dev/null -w '%{time_total}\n' "$base$url"; done | sort -n |
    awk -v label="$label" -v n="$n" '{ t[NR] = $1 * 1000 } END {
      printf "%-52s p50 %7.1f ms   p95 %7.1f ms   (n=%d)\n", label, t[int((NR + 1) / 2)], t[int(NR * 0.95 + 0.5)], n }'
}
measure "page /commodities/gold (1Y, default)" "/commodities/gold"
measure "page /commodities/gold?range=max (40 years)" "/commodities/gold?range=max"
measure "api /api/commodities/gold/history (auto, 2000 pts)" "/api/commodities/gold/history"
measure "api /api/commodities/gold/history?interval=raw (all)" "/api/commodities/gold/history?interval=raw&points=10000"
measure "api /api/commodities/gold/history.csv?interval=raw" "/api/commodities/gold/history.csv?interval=raw&points=10000"
measure "api /api/commodities/gold (detail)" "/api/commodities/gold"
