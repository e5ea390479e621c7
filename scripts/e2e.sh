#!/usr/bin/env bash
# The browser tests on their own: builds the browser bundle, starts `quarry serve --demo`,
# a local upstream in every provider's real format and a live quarry fed by it, runs the
# browser tests in headless Chromium (all of end2end/tests, or the files given), then the
# slowloris check against the demo server. Expects the debug server and the upstream
# example to be built (`cargo test --features ssr --no-run` builds both).
#
#   scripts/e2e.sh [end2end/tests/FILE.test.mjs ...]     logs: $E2E_LOGS (default: a temp dir)
set -uo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
target=${CARGO_TARGET_DIR:-target}
logs=${E2E_LOGS:-$(mktemp -d)}
mkdir -p "$logs"
server_pid=""; live_pid=""; upstream_pid=""
cleanup() {
  for p in $server_pid $live_pid $upstream_pid; do kill "$p" 2>/dev/null || true; done
  rm -rf "$logs/data" "$logs/live"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# wait_ready PORT PID LOG: until /readyz answers; the log is shown if the process dies first.
wait_ready() {
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { cat "$3" >&2; exit 1; }
    sleep 0.5
  done
  echo "e2e: the server on port $1 never became ready" >&2
  exit 1
}

say "building the browser bundle"
QUARRY_BUILD_SERVER=0 scripts/build.sh || exit 1
port=$(free_port)
say "starting quarry serve --demo on 127.0.0.1:$port for the browser tests"
# As `scripts/run.sh --demo` starts it (the jobs that need the network pause themselves).
QUARRY_DATA_DIR="$logs/data" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT="$target/site" \
  "$target/debug/quarry" serve --demo >"$logs/server.log" 2>&1 &
server_pid=$!
wait_ready "$port" "$server_pid" "$logs/server.log"
# When the demo server first answered: first-hour.test.mjs counts its two minutes from here.
ready_at=$(date +%s%3N)
# A second server fed by a local upstream in every provider's real format, with an admin
# password for the sign-in (a generous attempt limit: every test signs in from 127.0.0.1)
# and a token for the tests that act as a program.
admin_password="e2e admin passphrase"
admin_hash=$(printf '%s\n' "$admin_password" | "$target/debug/quarry" admin hash-password) || exit 1
up_port=$(free_port)
live_port=$(free_port)
"$target/debug/examples/upstream" --port "$up_port" >"$logs/upstream.log" 2>&1 &
upstream_pid=$!
for _ in $(seq 1 40); do grep -q '^export' "$logs/upstream.log" 2>/dev/null && break; sleep 0.25; done
say "starting a live quarry on 127.0.0.1:$live_port fed by the local upstream on port $up_port"
(
  eval "$(grep '^export' "$logs/upstream.log")"
  QUARRY_DATA_DIR="$logs/live" LEPTOS_SITE_ADDR="127.0.0.1:$live_port" LEPTOS_SITE_ROOT="$target/site" \
    QUARRY_ADMIN_TOKEN=e2e-admin QUARRY_ADMIN_PASSWORD_HASH="$admin_hash" QUARRY_SESSIONS__LOGIN_ATTEMPTS_PER_MINUTE=1000 \
    QUARRY_BACKFILL_ON_START=1 exec "$target/debug/quarry" serve
) >"$logs/live.log" 2>&1 &
live_pid=$!
wait_ready "$live_port" "$live_pid" "$logs/live.log"

say "browser tests (node --test, playwright-core, /usr/bin/chromium)"
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(tests/)
files=("${files[@]#end2end/}")
(cd end2end && QUARRY_E2E_BASE_URL="http://127.0.0.1:$port" QUARRY_E2E_LIVE_URL="http://127.0.0.1:$live_port" \
  QUARRY_E2E_UPSTREAM_URL="http://127.0.0.1:$up_port" QUARRY_E2E_ADMIN_TOKEN=e2e-admin \
  QUARRY_E2E_ADMIN_PASSWORD="$admin_password" \
  QUARRY_E2E_READY_AT="$ready_at" node --test --test-concurrency=1 --test-reporter=spec "${files[@]}") 2>&1 | tee "$logs/e2e.log"
e2e_rc=${PIPESTATUS[0]}

say "slowloris: 1,000 connections dribbling headers while /healthz and / must answer within 1 s"
python3 scripts/slowloris.py "http://127.0.0.1:$port" --connections 1000 --interval 10 --seconds 25 --limit 1.0 2>&1 | tee "$logs/slowloris.log"
slow_rc=${PIPESTATUS[0]}
[ "$e2e_rc" = 0 ] && [ "$slow_rc" = 0 ]
