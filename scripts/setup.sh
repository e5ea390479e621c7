#!/usr/bin/env bash
# Installs what building Quarry needs, idempotently: the wasm32 target, wasm-bindgen-cli at
# exactly the version Cargo.lock pins, and wasm-opt 132 from npm (Debian's 108 breaks
# hydration). Nothing here downloads a prebuilt binary outside a package registry.
#
#   scripts/setup.sh [target] [wasm-bindgen] [wasm-opt]     (no argument: all three)
#
# scripts/build.sh asks for the wasm-bindgen step on its own, in the background, so that
# compiling the CLI overlaps the server's build instead of preceding it.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
steps=${*:-target wasm-bindgen wasm-opt}
want_step() { case " $steps " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

if want_step target && ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The wasm-bindgen version Cargo.lock pins (Cargo.toml pins it with '=').
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if want_step wasm-bindgen && [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (found: ${have:-none}); about a minute"
  # Not --locked: one of the CLI's locked dependencies is no longer on crates.io.
  # --debug: an optimised CLI took twice as long to compile, and it only ever reads one
  # small wasm file, in about a second either way.
  cargo install --debug wasm-bindgen-cli --version "$want"
fi

if want_step wasm-opt && [ ! -x scripts/node_modules/.bin/wasm-opt ]; then
  command -v npm >/dev/null || { echo "setup: npm is needed for wasm-opt (apt-get install npm)" >&2; exit 1; }
  say "installing wasm-opt (binaryen 132) from npm"
  npm install --prefix scripts --no-audit --no-fund --silent
fi
