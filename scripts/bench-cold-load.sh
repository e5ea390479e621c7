#!/usr/bin/env bash
# Cold-load time to interactive on a slow phone (Fast 3G, 4x CPU throttle, no cache) for
# the overview and the venture landscape: release build, `quarry serve --demo` on a fresh
# data directory, then end2end/cold-load.mjs in headless Chromium. Prints figures only.
#
#   scripts/bench-cold-load.sh [PATH ...]
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
work=$(mktemp -d)
cleanup() { [ -n "${srv:-}" ] && kill "$srv" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
scripts/build.sh >&2
[ -d end2end/node_modules/playwright-core ] || npm ci --prefix end2end --no-audit --no-fund --silent
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
QUARRY_DATA_DIR="$work/data" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT="$target/site" \
  QUARRY_BACKFILL_ON_START=0 QUARRY_LOG=warn "$target/release/quarry" serve --demo >"$work/serve.log" 2>&1 &
srv=$!
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
echo "bundle: wasm $(stat -c %s "$target/site/pkg/quarry.wasm") bytes, brotli $(stat -c %s "$target/site/pkg/quarry.wasm.br") bytes, gzip $(stat -c %s "$target/site/pkg/quarry.wasm.gz") bytes"
(cd end2end && node cold-load.mjs "http://127.0.0.1:$port" "$@")
