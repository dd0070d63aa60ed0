#!/usr/bin/env bash
# Builds the two Rust benchmark Workers (bench/workers/mizzle, bench/workers/hand) the way
# `mizzle build` builds a Worker: worker-build --release --no-opt, then wasm-opt -Oz from
# npm's binaryen. Prints each wasm's size, raw and gzip -9, before and after wasm-opt.
# The tools come from `mizzle setup` (target/tools and node_modules, as scripts/setup.sh
# installs them), which says where they are (`--env`).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tools_env="$(cd "$root" && MIZZLE_TOOLS_DIR="$root/target/tools" cargo run --quiet -p mizzle-cli -- setup --env)"
eval "$tools_env"
for w in mizzle hand; do
  (
    cd "$root/bench/workers/$w"
    log="$(mktemp)"
    PATH="$(dirname "$WASM_BINDGEN_BIN"):$PATH" WASM_BINDGEN_BIN="$WASM_BINDGEN_BIN" \
      "$WORKER_BUILD" --release --no-opt >"$log" 2>&1 ||
      { tail -n 40 "$log" >&2; echo "worker-build failed in bench/workers/$w (its output's end is above)" >&2; exit 1; }
    rm -f "$log"
    wasm=build/index_bg.wasm
    raw=$(stat -c %s "$wasm")
    rawgz=$(gzip -9c "$wasm" | wc -c)
    "$WASM_OPT" -Oz --enable-exception-handling "$wasm" -o build/opt.wasm
    mv build/opt.wasm "$wasm"
    echo "wasm $w: $raw bytes ($rawgz gzip) unoptimized, $(stat -c %s "$wasm") bytes ($(gzip -9c "$wasm" | wc -c) gzip) after wasm-opt -Oz"
  )
done
