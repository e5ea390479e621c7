#!/usr/bin/env bash
# The server benchmark: requests/s, p50/p99 and errors for the pages and endpoints people
# wait on, on SQLite and PostgreSQL, at 1x and 100x data, with the server pinned to one
# core and wrk to the other; the server's peak RSS per run; the static-file ceiling (the
# overview page's own bytes served as a static file by the same server). When the FastAPI
# peer's compare script is named (PEER_COMPARE=/path/to/compare.sh), it also runs the peer
# comparison on the 1x SQLite database. Prints figures; asserts nothing.
#
#   scripts/bench.sh                                  everything (about 20-30 minutes)
#   SCALES=1 BACKENDS=sqlite scripts/bench.sh         a subset
#
# Data (all generated and labelled demo; examples/bench_data.rs, examples/venture_bench.rs):
#   1x    the demo database, with WTI's daily history carried back to 1986 (40 years)
#   100x  the observation table 100 times the demo's (generated copies of every series),
#         and 100 times the demo's funding rounds, at least 1,000,000
# Environment: DURATION (10s), WARMUP (3s), CONNS (16), SERVER_CPU (0), WRK_CPU (1),
#   QUARRY_TEST_PG_URL (postgres://postgres@127.0.0.1:5432), PEER=0 to skip the peer,
#   PEER_COMPARE=/path/to/compare.sh to run the FastAPI peer comparison,
#   BENCH_PROFILE=dev to check the script itself against the debug build the tests use
#   (its figures mean nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { echo "bench.sh: $*" >&2; exit 1; }
target=${CARGO_TARGET_DIR:-target}
SCALES=${SCALES:-1 100}
BACKENDS=${BACKENDS:-sqlite postgres}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
CONNS=${CONNS:-16}
SERVER_CPU=${SERVER_CPU:-0}
WRK_CPU=${WRK_CPU:-1}
pg=${QUARRY_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432}
command -v wrk >/dev/null || die "wrk is missing: apt-get install -y wrk"
command -v taskset >/dev/null || die "taskset is missing (util-linux)"

work=$(mktemp -d -t quarry-bench.XXXXXX)
srv_pid=""
dbs=()
cleanup() {
  [ -z "$srv_pid" ] || kill "$srv_pid" 2>/dev/null || true
  for db in "${dbs[@]+"${dbs[@]}"}"; do psql "$pg/postgres" -qc "drop database if exists $db with (force)" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

profile=${BENCH_PROFILE:-release}
out=$target/$([ "$profile" = dev ] && echo debug || echo "$profile")
say "building ($profile: server, data generators; the browser bundle for release)"
cargo build --profile "$profile" --features ssr --bin quarry --example bench_data --example venture_bench >&2
QUARRY_BUILD_SERVER=0 scripts/build.sh >&2
bin=$out/quarry

# Nothing but the measured requests runs in the server: no jobs, no backfill, no upstream.
export QUARRY_LOG=warn QUARRY_CONFIG="$work/none.toml" QUARRY_BACKFILL_ON_START=0
touch "$QUARRY_CONFIG"
for job in COMMODITY_PRICES COMMODITY_SIGNALS AI_MATERIALS SPACE_TECH MACRO_SERIES VC_SYNC FUNDING_TRACKER IPO_MONITOR CHART_PACK; do
  export "QUARRY_JOBS__$job="
done

results=$work/results.tsv
: >"$results"
# measure BACKEND SCALE LABEL PATH: one wrk run after a warm-up; a row of the table.
measure() {
  local url="http://127.0.0.1:$port$4" code out
  code=$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)
  taskset -c "$WRK_CPU" wrk -t1 -c"$CONNS" -d"$WARMUP" "$url" >/dev/null
  out=$(taskset -c "$WRK_CPU" wrk -t1 -c"$CONNS" -d"$DURATION" --latency "$url")
  python3 - "$1" "$2" "$3" "$code" "$out" >>"$results" <<'EOF'
import re, sys
backend, scale, label, code, out = sys.argv[1:6]
def ms(s):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", s)
    return float(m.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[m.group(2)]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
errors += int(non2xx.group(1)) if non2xx else 0
print(f"{backend}\t{scale}\t{label}\t{code}\t{rps:.0f}\t{ms(lat['50']):.2f}\t{ms(lat['99']):.2f}\t{errors}")
EOF
  echo "  measured $3" >&2
}

sqlite_1x=""
for backend in $BACKENDS; do
  for scale in $SCALES; do
    data=$work/$backend-$scale
    mkdir -p "$data"
    case $backend in
      sqlite) url="sqlite://$data/quarry.db?mode=rwc" ;;
      postgres)
        psql "$pg/postgres" -Atqc 'select 1' >/dev/null 2>&1 || { echo "PostgreSQL unreachable at $pg: skipped" >&2; continue; }
        db="quarry_bench_$$_$scale"
        dbs+=("$db")
        psql "$pg/postgres" -qc "create database $db"
        url="$pg/$db" ;;
      *) die "unknown backend $backend (sqlite or postgres)" ;;
    esac
    say "$backend, ${scale}x: generating the data"
    DATABASE_URL=$url QUARRY_DATA_DIR=$data "$out/examples/bench_data" "$scale" | sed 's/^/  /' >&2
    if [ "$scale" -gt 1 ]; then
      if [ "$backend" = sqlite ]; then
        demo_rounds=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from funding_rounds").fetchone()[0])' "$data/quarry.db")
      else
        demo_rounds=$(psql "$url" -Atqc 'select count(*) from funding_rounds')
      fi
      rounds=$((demo_rounds * scale))
      [ "$rounds" -ge 1000000 ] || rounds=1000000
      say "$backend, ${scale}x: $rounds generated funding rounds (the demo has $demo_rounds)"
      "$out/examples/venture_bench" "$url" "$rounds" 2>/dev/null | sed 's/^/  /' >&2
    fi
    [ "$backend" = sqlite ] && [ "$scale" = 1 ] && sqlite_1x=$data/quarry.db

    # The site root, with the overview page's bytes as a static file: the ceiling.
    rm -rf "$work/site" && cp -r "$target/site" "$work/site" && mkdir -p "$work/site/bench-static"
    port=$(free_port)
    DATABASE_URL=$url QUARRY_DATA_DIR=$data LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT="$work/site" \
      taskset -c "$SERVER_CPU" "$bin" serve >"$work/serve.log" 2>&1 &
    srv_pid=$!
    for _ in $(seq 1 240); do curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null && break; sleep 0.25; done
    curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" || { tail -20 "$work/serve.log" >&2; die "the server did not get ready"; }
    curl -fsS -o "$work/site/bench-static/overview.html" "http://127.0.0.1:$port/"

    measure "$backend" "${scale}x" "overview page /" "/"
    measure "$backend" "${scale}x" "/api/commodities/overview" "/api/commodities/overview"
    measure "$backend" "${scale}x" "detail page /commodities/gold" "/commodities/gold"
    measure "$backend" "${scale}x" "landscape /venture" "/venture"
    measure "$backend" "${scale}x" "rounds table /venture/funding" "/venture/funding"
    measure "$backend" "${scale}x" "40-year history (chart, auto)" "/api/commodities/wti/history?from=1986-01-01"
    measure "$backend" "${scale}x" "40-year history (raw, every day)" "/api/commodities/wti/history?from=1986-01-01&interval=raw"
    measure "$backend" "${scale}x" "static: the overview's bytes" "/bench-static/overview.html"
    rss=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$srv_pid/status")
    printf '%s\t%s\tpeak RSS (MB)\t\t%s\t\t\t\n' "$backend" "${scale}x" "$rss" >>"$results"
    kill "$srv_pid" && wait "$srv_pid" 2>/dev/null || true
    srv_pid=""
  done
done

echo
echo "Quarry $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores; server on CPU $SERVER_CPU, wrk on CPU $WRK_CPU (-t1 -c$CONNS, $DURATION after $WARMUP); data generated (demo)"
python3 - "$results" <<'EOF'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
print(f"{'backend':<9}{'data':<6}{'what':<36}{'HTTP':>5}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
for b, s, label, code, rps, p50, p99, err in rows:
    if label.startswith("peak RSS"):
        print(f"{b:<9}{s:<6}{label:<36}{'':>5}{rps:>9}")
    else:
        print(f"{b:<9}{s:<6}{label:<36}{code:>5}{rps:>9}{p50:>9}{p99:>9}{err:>8}")
# The overview page against the static ceiling, per run.
for b, s, label, code, rps, *_ in rows:
    if label == "overview page /":
        ceiling = next((float(r[4]) for r in rows if r[0] == b and r[1] == s and r[2].startswith("static")), None)
        if ceiling:
            print(f"{b} {s}: the overview page runs at {100 * float(rps) / ceiling:.0f}% of the static ceiling")
EOF

peer=${PEER_COMPARE:-}
if [ "${PEER:-1}" != 0 ] && [ -x "$peer" ] && [ -n "$sqlite_1x" ]; then
  echo
  say "the FastAPI peer ($peer) on the 1x SQLite database"
  SERVER_CPU=$SERVER_CPU WRK_CPU=$WRK_CPU "$peer" "$sqlite_1x" || echo "the peer comparison failed (see above)"
elif [ "${PEER:-1}" != 0 ]; then
  echo "(no PEER_COMPARE script${peer:+ at $peer}, or no 1x SQLite run: peer comparison skipped)"
fi
