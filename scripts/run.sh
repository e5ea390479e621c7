#!/usr/bin/env bash
# The run command: install what is missing, build for release, then migrate the embedded
# SQLite database and serve on http://127.0.0.1:3000. Arguments go to `quarry serve`
# (e.g. --demo for generated data on a machine without network: `quarry serve --demo`
# then prints the URL to open and what the demo holds).
set -euo pipefail
cd "$(dirname "$0")/.."
# build.sh installs what is missing (scripts/setup.sh) while it builds.
scripts/build.sh
exec "${CARGO_TARGET_DIR:-target}/release/quarry" serve "$@"
