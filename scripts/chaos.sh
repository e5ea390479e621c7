#!/usr/bin/env bash
# The chaos upstream suite (issue 15). `quarry serve` on a fresh SQLite file, every job on
# a schedule of seconds, fed by examples/chaos (every source in its real format, each
# request answered at random: good, 500, 429 + Retry-After, HTML with status 200, a body
# cut mid-row, a body dripped past the client's timeout, a reset connection), while every
# page and a few API endpoints are asked for in a loop. Afterwards, with the server
# stopped (SIGTERM):
#   - `quarry check` passes (integrity, orphans, no lease held by the dead);
#   - no partial write: every write to observations is journaled by a trigger (chaos
#     journal) and replayed; after each fetch's write the series must hold every date the
#     source serves from the write's first date on, at the source's values (chaos verify);
#   - every failure on record (job runs, feeds, series, EDGAR filings) has its reason;
#   - every page answered (no timeout, no refused connection, no 5xx) and nothing panicked;
#   - RSS flat: at the end at most 50 % above the first sample after warm-up.
# Prints a summary and exits non-zero when any of these fails.
#
#   scripts/chaos.sh [--minutes N] [--seed S] [--keep]      default 10 minutes; --keep keeps the logs
#
# Debug build: the one the tests build and `.ci` keeps warm (a release build of the server
# is another 10+ minutes on two cores). RSS is compared with itself, start and end; a
# debug build holds no less memory than a release one, so a leak shows the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=10
seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
keep=0
while [ $# -gt 0 ]; do
  case $1 in
    --minutes) minutes=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "usage: scripts/chaos.sh [--minutes N] [--seed S] [--keep]" >&2; exit 2 ;;
  esac
done
target=${CARGO_TARGET_DIR:-target}
echo "chaos: building the debug server and the chaos upstream"
cargo build --features ssr --bin quarry --example chaos 2>&1 | tail -1
quarry=$target/debug/quarry
chaos=$target/debug/examples/chaos

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
work=$(mktemp -d)
server_pid=""
chaos_pid=""
sampler_pid=""
cleanup() {
  for p in $sampler_pid $server_pid $chaos_pid; do kill "$p" 2>/dev/null || true; done
  if [ "$keep" = 1 ] || [ "${verdict:-FAILED}" != ok ]; then echo "chaos: logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

today=$(date -u +%F)
chaos_port=$(free_port)
port=$(free_port)
"$chaos" serve --port "$chaos_port" --seed "$seed" --today "$today" >"$work/chaos.out" 2>"$work/chaos.err" &
chaos_pid=$!
for _ in $(seq 1 100); do grep -q '^export ' "$work/chaos.out" 2>/dev/null && break; sleep 0.1; done
head -1 "$work/chaos.out"
eval "$(grep '^export ' "$work/chaos.out")"

# Every job every 15 to 60 seconds, staggered; short client timeouts and retries; every
# optional source on (Yahoo, and keys for EIA and FRED's API) so the fallbacks are fetched.
export QUARRY_JOBS__COMMODITY_PRICES="0,15,30,45 * * * * *"
export QUARRY_JOBS__MACRO_SERIES="7,22,37,52 * * * * *"
export QUARRY_JOBS__AI_MATERIALS="5,25,45 * * * * *"
export QUARRY_JOBS__SPACE_TECH="10,30,50 * * * * *"
export QUARRY_JOBS__COMMODITY_SIGNALS="12,42 * * * * *"
export QUARRY_JOBS__VC_SYNC="3,23,43 * * * * *"
export QUARRY_JOBS__IPO_MONITOR="13,33,53 * * * * *"
export QUARRY_JOBS__FUNDING_TRACKER="18,48 * * * * *"
export QUARRY_JOBS__CHART_PACK="27 * * * * *"
export QUARRY_SOURCES__CONNECT_TIMEOUT_SECS=1 QUARRY_SOURCES__FETCH_TIMEOUT_SECS=3
export QUARRY_SOURCES__MAX_RETRIES=3 QUARRY_SOURCES__RETRY_BASE_MS=200
export QUARRY_SOURCES__YAHOO_ENABLED=1 QUARRY_SOURCES__EIA_API_KEY=chaos QUARRY_SOURCES__FRED_API_KEY=chaos
mkdir -p "$work/q" && touch "$work/q/Leptos.toml"
export QUARRY_CONFIG="$work/q/Leptos.toml" QUARRY_DATA_DIR="$work/q/data"
export LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT="$target/site"
db="$work/q/data/quarry.db"

"$quarry" migrate >"$work/migrate.log" 2>&1
"$chaos" journal "$db"
"$quarry" serve >"$work/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 240); do curl -fs "$base/readyz" >/dev/null 2>&1 && break; sleep 0.25; done
curl -fs "$base/readyz" >/dev/null || { echo "chaos: the server did not become ready"; tail -20 "$work/server.log"; exit 1; }
started=$(date +%s)
echo "chaos: quarry serve (pid $server_pid) on $base, for $minutes minutes"

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
( while kill -0 "$server_pid" 2>/dev/null; do echo "$(($(date +%s) - started)) $(rss_kb "$server_pid")"; sleep 15; done ) >"$work/rss" &
sampler_pid=$!

urls=(/ /commodities /commodities/metals /commodities/energy /commodities/ai-materials /commodities/space-tech
  /commodities/gold /commodities/wti /commodities/copper /commodities/lithium /commodities/signals
  /commodities/trending "/commodities/compare?a=gold&b=silver" /charts /charts/pack /venture /venture/funding
  /venture/companies /venture/investors /venture/funds /venture/acquisitions /venture/ipo /venture/import /jobs /api
  /healthz /readyz /metrics /api/status /api/commodities/overview /api/commodities/gold /api/commodities/gold/history
  /api/commodities/signals.csv /api/macro/series /api/jobs /api/jobs/health /api/jobs/failures /api/venture/landscape
  /api/charts/packs)
asked=0
failed=0
declare -A by_code=()
end=$((started + minutes * 60))
while [ "$(date +%s)" -lt "$end" ]; do
  for u in "${urls[@]}"; do
    code=$(curl -s -o /dev/null -m 10 -w '%{http_code}' "$base$u" || true)
    code=${code:-000}
    asked=$((asked + 1))
    by_code[$code]=$(( ${by_code[$code]:-0} + 1 ))
    if [[ $code == 000 || $code == 5* ]]; then
      failed=$((failed + 1))
      echo "$(($(date +%s) - started)) s $u $code" >>"$work/page-failures"
    fi
  done
done
rss_end=$(rss_kb "$server_pid")
kill "$sampler_pid" 2>/dev/null || true
sampler_pid=""

# A clean stop: SIGTERM, then at most 30 s.
kill -TERM "$server_pid"
stopped=no
for _ in $(seq 1 120); do kill -0 "$server_pid" 2>/dev/null || { stopped=yes; break; }; sleep 0.25; done
if [ "$stopped" = yes ]; then server_status=0; wait "$server_pid" || server_status=$?; else kill -KILL "$server_pid"; server_status=killed; fi
server_pid=""
length=$(($(date +%s) - started))
kill -TERM "$chaos_pid"
wait "$chaos_pid" || true
chaos_pid=""

check_status=0
"$quarry" check >"$work/check.out" 2>&1 || check_status=$?
verify_status=0
"$chaos" verify "$db" --today "$today" >"$work/verify.out" 2>&1 || verify_status=$?
panics=$(grep -c 'panicked' "$work/server.log" || true)

# Warm-up: the start-up backfill and a first round of every job; the first sample after it
# is the start figure.
warm=$(( minutes >= 3 ? 60 : 20 ))
rss_start=$(awk -v w="$warm" '$1 >= w && $2 > 0 { print $2; exit }' "$work/rss")
rss_first=$(awk '$2 > 0 { print $2; exit }' "$work/rss")
rss_start=${rss_start:-$rss_first}
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
grew=$(awk -v a="$rss_start" -v b="$rss_end" 'BEGIN { printf "%.0f", (b - a) * 100 / a }')

figure() { grep -m1 "^$1" "$work/verify.out" | sed 's/^[^:]*: //'; }
echo
echo "==== chaos summary (seed $seed) ===="
echo "length: ${length} s of scheduled jobs and page requests ($minutes min asked)"
sed -n '/source requests answered/,/^chaos stats/p' "$work/chaos.out" | grep -v '^chaos stats' | sed 's/^chaos: /injected: /'
grep '^job runs' -A20 "$work/verify.out" | sed '/^runs left/q'
echo "failures without a reason: $(figure 'failures without a reason')"
echo "partial writes: $(figure 'partial writes')"
echo "values unlike the upstream's: $(figure 'values unlike')"
echo "failed fetches that wrote rows: $(figure 'failed fetches that wrote')"
echo "journal: $(figure 'journal:'); replay differs from the table: $(figure 'journal replay')"
echo "$(figure 'on record at the end' | sed 's/^/on record at the end: /')"
codes=$(for c in "${!by_code[@]}"; do echo "$c ${by_code[$c]}"; done | sort | awk '{ printf "%s%s x%s", sep, $1, $2; sep=", " }')
echo "pages asked: $asked ($codes); failed to answer: $failed"
echo "panics in the server log: $panics"
echo "server stopped by SIGTERM: $stopped (exit $server_status)"
echo "quarry check: $( [ "$check_status" = 0 ] && echo passed || echo "FAILED (exit $check_status)" )"
echo "RSS: first $(mb "$rss_first") MB; start (after ${warm} s) $(mb "$rss_start") MB, end $(mb "$rss_end") MB (${grew}%)"
echo "     samples (s:MB): $(awk '{ printf "%s:%.0f ", $1, $2 / 1024 }' "$work/rss")"

verdict=ok
[ "$verify_status" = 0 ] || verdict=FAILED
[ "$check_status" = 0 ] || { verdict=FAILED; sed 's/^/    /' "$work/check.out"; }
[ "$failed" = 0 ] || { verdict=FAILED; head -20 "$work/page-failures" | sed 's/^/    page: /'; }
[ "$panics" = 0 ] || verdict=FAILED
[ "$stopped" = yes ] || verdict=FAILED
[ "$grew" -le 50 ] || verdict=FAILED
if [ "$verdict" != ok ]; then
  grep -A12 -E '^(partial writes|values unlike|failures without|failed fetches|journal replay): [1-9]' "$work/verify.out" || true
fi
echo "chaos: $verdict"
[ "$verdict" = ok ]
