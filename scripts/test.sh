#!/usr/bin/env bash
# The test command: formatting and lints, unit tests, integration tests on SQLite and on
# PostgreSQL, and the browser tests in headless Chromium. Installs what it needs. Exits
# non-zero on any failure; a lint failure does not stop the tests (one run shows both).
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

# ---- formatting and lints, on both sides of the wire
lint_rc=0
set +e
for tool in fmt clippy; do
  cargo "$tool" --version >/dev/null 2>&1 || { echo "FAIL: cargo $tool is missing (rustup component add ${tool/fmt/rustfmt})" >&2; lint_rc=1; }
done
if [ "$lint_rc" = 0 ]; then
  say "cargo fmt --check"
  if ! cargo fmt --all --check >"$logs/fmt.log" 2>&1; then
    lint_rc=1
    grep -m 20 '^Diff in' "$logs/fmt.log" >&2
    echo "FAIL: formatting differs from rustfmt.toml (cargo fmt --all fixes it)" >&2
  fi
  say "cargo clippy, warnings as errors: the server (every target) and the browser bundle (wasm)"
  cargo clippy --workspace --all-targets --features ssr --color never -- -D warnings >"$logs/clippy.log" 2>&1 || lint_rc=1
  cargo clippy --lib --no-default-features --features hydrate --target wasm32-unknown-unknown --color never \
    -- -D warnings >>"$logs/clippy.log" 2>&1 || lint_rc=1
  [ "$lint_rc" = 0 ] || grep -E -A8 '^(error|warning)' "$logs/clippy.log" | head -80 >&2
fi
set -e

# ---- unit and integration tests
say "cargo test (unit + integration)"
set +e
# No backtraces: a failing test's message and location stay next to its name in the log.
RUST_BACKTRACE=0 cargo test --workspace --features ssr --color never 2>&1 | tee "$logs/cargo.log"
cargo_rc=${PIPESTATUS[0]}
set -e
sweep_pg

# ---- browser tests and the slowloris check, against the server built for the tests
e2e_rc=1
if [ "$cargo_rc" = 0 ]; then
  set +e
  E2E_LOGS="$logs" scripts/e2e.sh
  e2e_rc=$?
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
# `|| true`: with no e2e.log (the browser tests did not run) the summary still prints.
e2e_p=$(awk '/^ℹ pass/ { print $3 }' "$logs/e2e.log" 2>/dev/null | tail -1 || true); e2e_p=${e2e_p:-0}
e2e_f=$(awk '/^ℹ fail/ { print $3 }' "$logs/e2e.log" 2>/dev/null | tail -1 || true); e2e_f=${e2e_f:-0}
[ "$cargo_rc" = 0 ] || e2e_f=${e2e_f:-0}
echo
echo "unit tests:        $unit_p passed, $unit_f failed"
echo "integration tests: $it_p passed, $it_f failed ($it_sqlite on SQLite, $it_pg on PostgreSQL${QUARRY_TEST_PG_SKIP:+, PostgreSQL SKIPPED})"
echo "browser tests:     $e2e_p passed, $e2e_f failed"
echo "slowloris:         $(tail -1 "$logs/slowloris.log" 2>/dev/null || echo "not run")"
echo "fmt and clippy:    $([ "$lint_rc" = 0 ] && echo ok || echo "FAILED (see above)")"
total_p=$((unit_p + it_p + e2e_p)); total_f=$((unit_f + it_f + e2e_f))
[ "$cargo_rc" = 0 ] && [ "$e2e_rc" = 0 ] || total_f=$((total_f > 0 ? total_f : 1))
echo "summary: $total_p passed, $total_f failed"
[ "$cargo_rc" = 0 ] && [ "$e2e_rc" = 0 ] && [ "$lint_rc" = 0 ]
