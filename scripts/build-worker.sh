#!/usr/bin/env bash
# Builds the example Worker to wasm (build/worker/shim.mjs), with the tools scripts/setup.sh
# installed into target/tools. wrangler runs this as its build command.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/target/tools/bin:$PATH"
# worker-build would otherwise download wasm-bindgen and wasm-opt from outside the
# package registries: use the pinned wasm-bindgen and skip wasm-opt.
export WASM_BINDGEN_BIN="$PWD/target/tools/bin/wasm-bindgen"
exec worker-build --release --no-opt
