#!/usr/bin/env bash
# Builds Quarry for release: the server binary (feature ssr) and the browser bundle
# (feature hydrate, wasm-bindgen, wasm-opt) into target/site. Unchanged inputs cost seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
target=${CARGO_TARGET_DIR:-target}
site=$target/site
pkg=$site/pkg

scripts/setup.sh target wasm-opt
# Three builds at once: the server, the browser bundle and (when missing) wasm-bindgen-cli.
# Each has stretches where one crate compiles on one core; together they keep both busy.
logs=$(mktemp -d)
bindgen_pid=""; wasm_pid=""
# A failed server build stops the other two rather than leaving them running.
trap 'kill $bindgen_pid $wasm_pid 2>/dev/null || true; rm -rf "$logs"' EXIT
scripts/setup.sh wasm-bindgen >"$logs/bindgen.log" 2>&1 &
bindgen_pid=$!
say "building the browser bundle (wasm, release), in the background"
# The library is an rlib in Cargo.toml; only this build needs it as a cdylib.
cargo rustc --lib --crate-type cdylib --target wasm32-unknown-unknown --profile wasm-release \
  --no-default-features --features hydrate >"$logs/wasm.log" 2>&1 &
wasm_pid=$!
if [ "${QUARRY_BUILD_SERVER:-1}" != 0 ]; then
  say "building the server (release)"
  cargo build --release --features ssr --bin quarry
fi
wait "$wasm_pid" || { cat "$logs/wasm.log" >&2; echo "build: the browser bundle failed to build" >&2; exit 1; }
grep -h "Finished" "$logs/wasm.log" >&2 || true
wait "$bindgen_pid" || { cat "$logs/bindgen.log" >&2; echo "build: installing wasm-bindgen-cli failed" >&2; exit 1; }
grep -h "==>\|Installed" "$logs/bindgen.log" >&2 || true
wasm_in=$target/wasm32-unknown-unknown/wasm-release/quarry.wasm

mkdir -p "$pkg"
stamp=$pkg/.source-hash
hash=$(sha256sum "$wasm_in" | cut -d' ' -f1)
if [ ! -f "$pkg/quarry.wasm" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$hash" ]; then
  say "wasm-bindgen + wasm-opt"
  wasm-bindgen --target web --no-typescript --out-dir "$pkg" --out-name quarry "$wasm_in"
  # leptos asks for <name>.wasm when LEPTOS_OUTPUT_NAME is set at build time (.cargo/config.toml).
  scripts/node_modules/.bin/wasm-opt -Oz \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$pkg/quarry_bg.wasm" -o "$pkg/quarry.wasm"
  rm -f "$pkg/quarry_bg.wasm"
  echo "$hash" > "$stamp"
fi

cp style/main.css "$pkg/quarry.css"
cp src/app/navigate.js "$pkg/navigate.js"
cp -r public/. "$site/"
# Pre-compressed copies, gzip and Brotli (node's zlib: node is here for wasm-opt already);
# the server keeps them in memory and sends the one the browser prefers.
for f in "$pkg/quarry.wasm" "$pkg/quarry.js" "$pkg/quarry.css" "$pkg/navigate.js"; do
  gzip -9 -k -f "$f"
  node -e 'const fs = require("fs"), zlib = require("zlib"); const f = process.argv[1];
    fs.writeFileSync(f + ".br", zlib.brotliCompressSync(fs.readFileSync(f),
      { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: fs.statSync(f).size } }));' "$f"
done
say "site assets in $site: wasm $(stat -c %s "$pkg/quarry.wasm") bytes, gzip $(stat -c %s "$pkg/quarry.wasm.gz") bytes, brotli $(stat -c %s "$pkg/quarry.wasm.br") bytes"
