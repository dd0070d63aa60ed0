#!/usr/bin/env bash
# Checks mizzle's and mizzle-build's public API against their newest release on crates.io
# with cargo-semver-checks (installed from crates.io into target/tools if missing). Before
# the first release there is nothing to compare with: it says so and exits 0. See
# docs/releasing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
tools="$PWD/target/tools/semver-checks"
if ! command -v cargo-semver-checks >/dev/null 2>&1 && [ ! -x "$tools/bin/cargo-semver-checks" ]; then
  cargo install cargo-semver-checks --locked --root "$tools"
fi
export PATH="$tools/bin:$PATH"
for crate in mizzle mizzle-build; do
  if ! cargo info "$crate" --registry crates-io >/dev/null 2>&1; then
    echo "$crate has no release on crates.io yet: nothing to check against (the first release is the baseline)"
    continue
  fi
  cargo semver-checks -p "$crate"
done
