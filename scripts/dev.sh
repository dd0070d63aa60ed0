#!/usr/bin/env bash
# Builds the example Worker and serves it on local D1 with every migration applied:
#   http://127.0.0.1:${PORT:-8787}/users
# The same command a project made by `mizzle new` uses: `mizzle dev`.
set -euo pipefail
cd "$(dirname "$0")/.."
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
export MIZZLE_TOOLS_DIR="$PWD/target/tools"
exec cargo run --quiet -p mizzle-cli -- dev --port "${PORT:-8787}"
