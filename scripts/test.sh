#!/usr/bin/env bash
# Runs every check and test: formatting, clippy (native and wasm32), the unit, snapshot,
# compile-fail and migration tests, and the end-to-end test of the example Worker on local
# D1 (wrangler/workerd). Installs what it needs first (scripts/setup.sh, idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
# Disk: a full run builds the workspace, the scaffolded projects and the packaged crates,
# each in its own target directory. Incremental caches and full debug info made that ~40 GB
# and filled a CI disk; without them it is a fraction. The profile setting reaches the
# projects the tests scaffold, which have their own Cargo.toml (the workspace's sets it too).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"

bash scripts/setup.sh
# Debian's Chromium and its WebDriver, for the browser tests (the ER diagram,
# tests/erd_browser.rs; mizzle studio, tests/studio*.rs): the only test-only system
# packages, from Debian's registry.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_="sudo -n"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_ apt-get install -y --no-install-recommends chromium chromium-driver >/dev/null ||
    { $sudo_ apt-get update >/dev/null && $sudo_ apt-get install -y --no-install-recommends chromium chromium-driver >/dev/null; }
fi

step() { printf '\n==> %s\n' "$*" >&2; }
step "cargo fmt --check"
cargo fmt --all -- --check
step "clippy (native)"
cargo clippy --workspace --all-targets -- -D warnings
step "clippy (wasm32: the D1 backend and the Workers)"
cargo clippy -p mizzle -p mizzle-example -p bench-worker-mizzle -p bench-worker-hand \
  -p mizzle-doc-check --target wasm32-unknown-unknown -- -D warnings
step "the runtime pulls in no native-only crate on wasm32"
if cargo tree -p mizzle --target wasm32-unknown-unknown -e normal --prefix none | grep -E '^(rusqlite|libsqlite3-sys|mizzle-build) '; then
  echo "native-only dependency in the wasm32 build of mizzle" >&2
  exit 1
fi
step "benchmarks, quick mode (each runs once, so none rots; bench/README.md has the real numbers)"
cargo run -q -p mizzle-bench --bin native-queries -- 1 20
cargo run -q -p mizzle-bench --bin run-all -- layouts 2 1 20
cargo run -q -p mizzle-bench --bin build-stage -- 1
cargo run -q -p mizzle-bench --bin compile-time -- 10
bash scripts/build-worker.sh
cargo run -q -p mizzle-bench --bin tree-vs-naive -- 1 2 2
bash bench/workers/build.sh
cargo run -q -p mizzle-bench --bin cost-guard -- 1 20
cargo run -q -p mizzle-bench --bin studio-pages -- 2000 5
cargo build -q -p mizzle-cli
cargo run -q -p mizzle-bench --bin seed-rows -- 700
node bench/workers/abc.mjs --quick
step "rustdoc with -D warnings, as docs.rs builds the crates (native and wasm32)"
# The `mizzle` binary's docs go where the `mizzle` library's do: the binary's first, alone.
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p mizzle-cli
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p mizzle -p mizzle-build --features mizzle-build/drizzle
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p mizzle --target wasm32-unknown-unknown

step "cargo test"
cargo test --workspace --all-targets
cargo test --workspace --doc
