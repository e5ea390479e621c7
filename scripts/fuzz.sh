#!/usr/bin/env bash
# Fuzzes every parser and pure computation with cargo-fuzz (libFuzzer), one target after
# the other, and prints a table: target, executions, seconds, crashes. Not part of the
# test command: a full run takes over an hour. Exits non-zero when a target crashed.
#
#   scripts/fuzz.sh                  each target for 1,000,000 runs or 600 s, whichever first
#   scripts/fuzz.sh --smoke          each target for 5,000 runs (a minute at most): the targets build and run
#   scripts/fuzz.sh --runs N --time S [TARGET...]
#
# The targets and their checks are in fuzz/ (fuzz/src/checks.rs); seeds in fuzz/corpus,
# inputs that once crashed in fuzz/regressions (the integration test `fuzz_regressions`
# replays both on stable Rust). New corpus entries go to fuzz/target/corpus, crash inputs
# to fuzz/artifacts/TARGET, logs to fuzz/target/logs. Needs the nightly toolchain, and
# cargo-fuzz, which this installs when missing. FUZZ_JOBS caps the build's jobs.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

runs=1000000
secs=600
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) runs=5000; secs=60 ;;
    --runs) runs=$2; shift ;;
    --time) secs=$2; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    *) targets+=("$1") ;;
  esac
  shift
done

if ! rustup toolchain list | grep -q '^nightly'; then
  say "installing the nightly toolchain (cargo-fuzz needs it)"
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

# No sanitizer: the code under test is safe Rust, so what the fuzzer finds is a panic
# (debug assertions and overflow checks are on), an abort, a hang or runaway memory, which
# libFuzzer catches by itself; AddressSanitizer would only make each run slower.
flags=(--sanitizer none --codegen-units 16)
cd fuzz
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo +nightly fuzz list)
say "building ${#targets[@]} fuzz targets (fuzz/target)"
CARGO_BUILD_JOBS=${FUZZ_JOBS:-$(nproc)} cargo +nightly fuzz build "${flags[@]}"

mkdir -p target/logs
rows=()
failed=0
for t in "${targets[@]}"; do
  mkdir -p "target/corpus/$t" "artifacts/$t"
  log="target/logs/$t.log"
  before=$(find "artifacts/$t" -type f | wc -l)
  say "$t: up to $runs runs or $secs s"
  start=$(date +%s)
  # The first corpus directory takes new entries; the committed seeds are only read.
  cargo +nightly fuzz run "${flags[@]}" "$t" "target/corpus/$t" "corpus/$t" -- \
    -runs="$runs" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=30 \
    -print_final_stats=1 -artifact_prefix="artifacts/$t/" >"$log" 2>&1 || true
  took=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  # A crash ends the run before the final stats: the last status line counts the runs.
  [ -n "$execs" ] || execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
  crashes=$(( $(find "artifacts/$t" -type f | wc -l) - before ))
  if [ "$crashes" -gt 0 ]; then
    failed=1
    grep -m1 -E 'panicked at|ERROR: libFuzzer' "$log" >&2 || true
    say "$t crashed: input in fuzz/artifacts/$t, log in fuzz/$log"
  fi
  rows+=("$(printf '%-20s %12s %8s %8s' "$t" "${execs:-?}" "$took" "$crashes")")
done

printf '\n%-20s %12s %8s %8s\n' target execs seconds crashes
printf '%s\n' "${rows[@]}"
exit $failed
