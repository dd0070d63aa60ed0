#!/usr/bin/env bash
# Runs every benchmark in full and rewrites the generated section of bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
bash scripts/setup.sh
exec cargo run --release --quiet -p mizzle-bench --bin run-all
