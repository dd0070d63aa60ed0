#!/usr/bin/env bash
# Checks mizzle's and mizzle-build's public API with cargo-semver-checks (installed from
# crates.io into target/tools if missing):
#   scripts/semver-check.sh                      against the newest release on crates.io
#                                                (before the first release there is none:
#                                                it says so and exits 0)
#   scripts/semver-check.sh --baseline-rev REV   against a commit of this repository, e.g.
#                                                before a refactor that must not change
#                                                the API (ARCHITECTURE.md)
# See docs/releasing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
tools="$PWD/target/tools/semver-checks"
if ! command -v cargo-semver-checks >/dev/null 2>&1 && [ ! -x "$tools/bin/cargo-semver-checks" ]; then
  cargo install cargo-semver-checks --locked --root "$tools"
fi
export PATH="$tools/bin:$PATH"
for crate in mizzle mizzle-build; do
  if [ $# -eq 0 ] && ! cargo info "$crate" --registry crates-io >/dev/null 2>&1; then
    echo "$crate has no release on crates.io yet: nothing to check against (the first release is the baseline)"
    continue
  fi
  cargo semver-checks -p "$crate" "$@"
done
