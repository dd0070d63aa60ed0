#!/usr/bin/env bash
# Builds the example Worker and serves it on local D1 with every migration applied:
#   http://127.0.0.1:${PORT:-8787}/users
set -euo pipefail
cd "$(dirname "$0")/.."
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false

bash scripts/setup.sh
# cargo build runs mizzle's build.rs, which brings migrations/ up to date with schema/.
cargo build -p mizzle-example
bash scripts/build-worker.sh
CI=true node_modules/.bin/wrangler d1 migrations apply DB --local
exec node_modules/.bin/wrangler dev --ip 127.0.0.1 --port "${PORT:-8787}"
