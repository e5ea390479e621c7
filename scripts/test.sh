#!/usr/bin/env bash
# The test command: unit tests, integration tests on SQLite and on PostgreSQL, and the
# browser tests in headless Chromium. Installs what it needs. Exits non-zero on any failure.
#
# PostgreSQL: QUARRY_TEST_PG_URL, else postgres://postgres@127.0.0.1:5432. Each test makes
# its own database there and drops it; leftovers of failed tests are swept at the end.
# Unreachable PostgreSQL is reported in one line; under CI=true it fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
logs=$(mktemp -d)
target=${CARGO_TARGET_DIR:-target}

scripts/setup.sh

# Debian packages the tests need: chromium for the browser tests, poppler-utils
# (pdftotext, pdfinfo) for the chart PDF test, which fails under CI=true without them.
debs=""
[ -x /usr/bin/chromium ] || debs="$debs chromium"
command -v pdftotext >/dev/null && command -v pdfinfo >/dev/null || debs="$debs poppler-utils"
if [ -n "$debs" ]; then
  say "installing Debian packages for the tests:$debs"
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ apt-get update -qq
  # shellcheck disable=SC2086 # $debs is a list of package names
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq $debs >/dev/null
fi
if [ ! -d end2end/node_modules/playwright-core ]; then
  say "installing playwright-core (no browser download: it drives /usr/bin/chromium)"
  npm ci --prefix end2end --no-audit --no-fund --silent
fi

# ---- PostgreSQL
export QUARRY_TEST_PG_URL=${QUARRY_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432}
pg_ok() { psql "$QUARRY_TEST_PG_URL/postgres" -Atqc 'select 1' >/dev/null 2>&1; }
if ! pg_ok && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  say "starting the local PostgreSQL cluster"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start >/dev/null 2>&1 || true
  for _ in $(seq 1 20); do pg_ok && break; sleep 0.5; done
fi
if pg_ok; then
  say "PostgreSQL reachable at $QUARRY_TEST_PG_URL: integration tests run on SQLite and PostgreSQL"
elif [ "${CI:-}" = "true" ]; then
  echo "FAIL: PostgreSQL unreachable at $QUARRY_TEST_PG_URL (CI=true makes this a failure, not a skip)" >&2
  exit 1
else
  echo "SKIP: PostgreSQL unreachable at $QUARRY_TEST_PG_URL: its integration tests are skipped (set QUARRY_TEST_PG_URL)" >&2
  export QUARRY_TEST_PG_SKIP=1
fi
sweep_pg() {
  pg_ok || return 0
  psql "$QUARRY_TEST_PG_URL/postgres" -Atqc "select datname from pg_database where datname like 'quarry_it_%'" 2>/dev/null |
    while read -r db; do psql "$QUARRY_TEST_PG_URL/postgres" -qc "drop database if exists \"$db\" with (force)" >/dev/null 2>&1 || true; done
}

# ---- unit and integration tests
say "cargo test (unit + integration)"
set +e
cargo test --workspace --features ssr --color never 2>&1 | tee "$logs/cargo.log"
cargo_rc=${PIPESTATUS[0]}
set -e
sweep_pg

# ---- browser tests, against the server built for the tests and the release browser bundle
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
}
e2e_rc=1
slow_rc=1
if [ "$cargo_rc" = 0 ]; then
  say "building the browser bundle"
  QUARRY_BUILD_SERVER=0 scripts/build.sh
  port=$(free_port)
  say "starting quarry serve --demo on 127.0.0.1:$port for the browser tests"
  QUARRY_DATA_DIR="$logs/data" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT="$target/site" \
    QUARRY_BACKFILL_ON_START=0 "$target/debug/quarry" serve --demo >"$logs/server.log" 2>&1 &
  server_pid=$!
  wait_ready "$port" "$server_pid" "$logs/server.log"
  # A second server fed by a local upstream in every provider's real format (built by
  # `cargo test` above as an example), with an admin token for "run now".
  up_port=$(free_port)
  live_port=$(free_port)
  "$target/debug/examples/upstream" --port "$up_port" >"$logs/upstream.log" 2>&1 &
  upstream_pid=$!
  for _ in $(seq 1 40); do grep -q '^export' "$logs/upstream.log" 2>/dev/null && break; sleep 0.25; done
  say "starting a live quarry on 127.0.0.1:$live_port fed by the local upstream on port $up_port"
  (
    eval "$(grep '^export' "$logs/upstream.log")"
    QUARRY_DATA_DIR="$logs/live" LEPTOS_SITE_ADDR="127.0.0.1:$live_port" LEPTOS_SITE_ROOT="$target/site" \
      QUARRY_ADMIN_TOKEN=e2e-admin QUARRY_BACKFILL_ON_START=1 exec "$target/debug/quarry" serve
  ) >"$logs/live.log" 2>&1 &
  live_pid=$!
  wait_ready "$live_port" "$live_pid" "$logs/live.log"
  say "browser tests (node --test, playwright-core, /usr/bin/chromium)"
  set +e
  (cd end2end && QUARRY_E2E_BASE_URL="http://127.0.0.1:$port" QUARRY_E2E_LIVE_URL="http://127.0.0.1:$live_port" \
    QUARRY_E2E_UPSTREAM_URL="http://127.0.0.1:$up_port" QUARRY_E2E_ADMIN_TOKEN=e2e-admin node --test --test-concurrency=1 --test-reporter=spec tests/) 2>&1 | tee "$logs/e2e.log"
  e2e_rc=${PIPESTATUS[0]}
  say "slowloris: 1,000 connections dribbling headers while /healthz and / must answer within 1 s"
  python3 scripts/slowloris.py "http://127.0.0.1:$port" --connections 1000 --interval 10 --seconds 25 --limit 1.0 2>&1 | tee "$logs/slowloris.log"
  slow_rc=${PIPESTATUS[0]}
  set -e
fi

# ---- summary: tests per layer
count() { awk -v want="$2" '
  /Running unittests/ { layer = "unit" } /Running tests\/it/ { layer = "integration" } /Doc-tests/ { layer = "doc" }
  /^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p[layer] += $i; if ($(i+1) ~ /^failed/) f[layer] += $i } }
  END { print (want == "p" ? p[L] + 0 : f[L] + 0) }' L="$1" "$logs/cargo.log"; }
unit_p=$(count unit p); unit_f=$(count unit f)
it_p=$(count integration p); it_f=$(count integration f)
it_sqlite=$(grep -c '::sqlite::.* ok$' "$logs/cargo.log" || true)
it_pg=$(grep -c '::postgres::.* ok$' "$logs/cargo.log" || true)
e2e_p=$(awk '/^ℹ pass/ { print $3 }' "$logs/e2e.log" 2>/dev/null | tail -1); e2e_p=${e2e_p:-0}
e2e_f=$(awk '/^ℹ fail/ { print $3 }' "$logs/e2e.log" 2>/dev/null | tail -1); e2e_f=${e2e_f:-0}
[ "$cargo_rc" = 0 ] || e2e_f=${e2e_f:-0}
echo
echo "unit tests:        $unit_p passed, $unit_f failed"
echo "integration tests: $it_p passed, $it_f failed ($it_sqlite on SQLite, $it_pg on PostgreSQL${QUARRY_TEST_PG_SKIP:+, PostgreSQL SKIPPED})"
echo "browser tests:     $e2e_p passed, $e2e_f failed"
echo "slowloris:         $(tail -1 "$logs/slowloris.log" 2>/dev/null || echo "not run")"
total_p=$((unit_p + it_p + e2e_p)); total_f=$((unit_f + it_f + e2e_f))
[ "$cargo_rc" = 0 ] && [ "$e2e_rc" = 0 ] && [ "$slow_rc" = 0 ] || total_f=$((total_f > 0 ? total_f : 1))
echo "summary: $total_p passed, $total_f failed"
[ "$cargo_rc" = 0 ] && [ "$e2e_rc" = 0 ] && [ "$slow_rc" = 0 ]
