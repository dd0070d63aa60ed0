#!/usr/bin/env bash
# Builds the two Rust benchmark Workers (bench/workers/mizzle, bench/workers/hand) the way
# `mizzle build` builds a Worker: worker-build --release --no-opt, then wasm-opt -Oz from
# npm's binaryen. Prints each wasm's size, raw and gzip -9, before and after wasm-opt.
# The tools come from `scripts/setup.sh` (target/tools and node_modules).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tools="$root/target/tools/bin"
for w in mizzle hand; do
  (
    cd "$root/bench/workers/$w"
    PATH="$tools:$PATH" WASM_BINDGEN_BIN="$tools/wasm-bindgen" \
      "$tools/worker-build" --release --no-opt >/dev/null 2>&1 ||
      { echo "worker-build failed in bench/workers/$w" >&2; exit 1; }
    wasm=build/index_bg.wasm
    raw=$(stat -c %s "$wasm")
    rawgz=$(gzip -9c "$wasm" | wc -c)
    "$root/node_modules/.bin/wasm-opt" -Oz --enable-exception-handling "$wasm" -o build/opt.wasm
    mv build/opt.wasm "$wasm"
    echo "wasm $w: $raw bytes ($rawgz gzip) unoptimized, $(stat -c %s "$wasm") bytes ($(gzip -9c "$wasm" | wc -c) gzip) after wasm-opt -Oz"
  )
done
