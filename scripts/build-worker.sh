#!/usr/bin/env bash
# Builds the example Worker to wasm (build/worker/shim.mjs): `mizzle build`, with the tools
# in target/tools. wrangler runs this as its build command.
set -euo pipefail
cd "$(dirname "$0")/.."
export MIZZLE_TOOLS_DIR="$PWD/target/tools"
exec cargo run --quiet -p mizzle-cli -- build
