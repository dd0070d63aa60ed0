#!/usr/bin/env bash
# Installs everything the example Worker and the test suite need, idempotently:
# the wasm32 target, worker-build and wasm-bindgen-cli (into target/tools, so they are
# cached with the build), and wrangler from package-lock.json (into node_modules).
# Nothing is downloaded outside crates.io and the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS="$PWD/target/tools"
WORKER_BUILD_VERSION=0.8.7
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

log() { printf '[setup] %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

install_crate() { # name version binary
  local name=$1 version=$2 bin=$3
  if [ -x "$TOOLS/bin/$bin" ] && "$TOOLS/bin/$bin" --version 2>/dev/null | grep -q "$version"; then
    return
  fi
  log "installing $name $version into target/tools"
  # --locked reproduces the tool's own lockfile; when that pins a crate the registry no
  # longer serves (wasm-bindgen-cli 0.2.130 pins a yanked webpki-roots), resolve afresh.
  cargo install "$name" --version "$version" --locked --root "$TOOLS" >&2 ||
    cargo install "$name" --version "$version" --root "$TOOLS" >&2
}
install_crate worker-build "$WORKER_BUILD_VERSION" worker-build
install_crate wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen

if [ ! -x node_modules/.bin/wrangler ] || ! cmp -s package-lock.json node_modules/.package-lock.json.mizzle 2>/dev/null; then
  log "installing wrangler (npm ci)"
  npm ci --no-audit --no-fund >&2
  cp package-lock.json node_modules/.package-lock.json.mizzle
fi
log "tools ready: $("$TOOLS/bin/worker-build" --version 2>/dev/null | head -1), wasm-bindgen $WASM_BINDGEN_VERSION, wrangler $(node_modules/.bin/wrangler --version 2>/dev/null | tail -1)"
