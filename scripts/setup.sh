#!/usr/bin/env bash
# Installs everything the example Worker and the test suite need, idempotently, from
# crates.io and npm only: `mizzle setup` (the wasm32 target, worker-build and
# wasm-bindgen-cli at the Cargo.lock version into target/tools, wrangler from
# package-lock.json into node_modules).
set -euo pipefail
cd "$(dirname "$0")/.."
export MIZZLE_TOOLS_DIR="$PWD/target/tools"
exec cargo run --quiet -p mizzle-cli -- setup
