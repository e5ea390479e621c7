#!/usr/bin/env bash
# Chart pack render time and output sizes: `quarry backfill` (release) loads the local
# upstream (examples/upstream.rs, every provider's real format) into a fresh SQLite file,
# `quarry serve` computes the signals, then `quarry chart-pack` runs N times; prints the
# median and range of the render time it reports (pages drawn, SVG to PDF) and of the
# whole command, the PDF's size, and the size of a typical chart as PNG and SVG.
#
#   scripts/bench-pack.sh [YEARS] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
years=${1:-40}
n=${2:-7}
target=${CARGO_TARGET_DIR:-target}
work=$(mktemp -d)
cleanup() { for p in ${up_pid:-} ${srv_pid:-}; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cargo build --release --features ssr --bin quarry --example upstream >&2
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
for _ in $(seq 1 240); do curl -fsS "$base/api/commodities/wti" | grep -q '"signals":{' && break; sleep 0.5; done

for i in $(seq 1 "$n"); do
  start=$(date +%s%N)
  line=$("$target/release/quarry" chart-pack --out "$work/pack.pdf")
  end=$(date +%s%N)
  echo "$line" | sed -E 's/.* rendered in ([0-9]+) ms.*/\1/' >>"$work/render.txt"
  echo $(((end - start) / 1000000)) >>"$work/wall.txt"
done
echo "last run: $line"
stats() { sort -n "$1" | awk -v what="$2" '{ t[NR] = $1 } END { printf "%-44s median %5d ms   min %5d   max %5d   (n=%d)\n", what, t[int((NR + 1) / 2)], t[1], t[NR], NR }'; }
stats "$work/render.txt" "render (11 pages drawn + SVG to PDF)"
stats "$work/wall.txt" "whole command (start, read the data, render, write)"
echo "PDF: $(stat -c %s "$work/pack.pdf") bytes, $(pdfinfo "$work/pack.pdf" 2>/dev/null | awk '/^Pages/ { print $2 }') pages"
view="series=wti&range=5y&overlays=sma50,sma200"
echo "typical chart (WTI, 5 years, SMA 50/200): PNG $(curl -fsS "$base/api/charts/view.png?$view" | wc -c) bytes (1920x840), SVG $(curl -fsS "$base/api/charts/view.svg?$view" | wc -c) bytes, one-page PDF $(curl -fsS "$base/api/charts/view.pdf?$view" | wc -c) bytes"
