#!/usr/bin/env bash
# Per call of each issue-14 route, mizzle against hand-written: instructions and their
# ratio, counted by valgrind's callgrind over bench/examples/one_route.rs (each run minus the
# same program making 0 calls, which is the seeding). Counts repeat exactly from run to run,
# unlike the clock; with --cache also first-level instruction-cache misses and
# mispredicted branches (callgrind's simulation; these move by some 10 % when a change
# anywhere moves the code's layout).
#
#   bench/callgrind.sh [--cache] [route:calls ...]     (needs valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
sim=()
if [ "${1:-}" = "--cache" ]; then
  sim=(--cache-sim=yes --branch-sim=yes)
  shift
fi
command -v valgrind >/dev/null || { echo "callgrind.sh needs valgrind" >&2; exit 2; }
cargo build --release -q -p mizzle-bench --example one_route
bin=target/release/examples/one_route
specs=("$@")
if [ ${#specs[@]} -eq 0 ]; then
  specs=(get_by_key:4000 list_50_filtered:200 tree_user_posts_comments:200
    insert_returning:2000 update_by_key:2000 bulk_insert_1000:4)
fi
# Callgrind's totals for one run: Ir, and with the simulation I1mr … Bim.
totals() {
  valgrind --tool=callgrind "${sim[@]}" --callgrind-out-file=/dev/null "$bin" "$@" 2>&1 |
    sed -n 's/.*Collected : //p'
}
for spec in "${specs[@]}"; do
  route=${spec%%:*}
  calls=${spec##*:}
  m=$(totals "$route" mizzle "$calls")
  h=$(totals "$route" hand "$calls")
  base=$(totals "$route" hand 0)
  awk -v r="$route" -v n="$calls" -v m="$m" -v h="$h" -v b="$base" 'BEGIN {
    split(m, M, " "); split(h, H, " "); split(b, B, " ");
    mi = (M[1] - B[1]) / n; hi = (H[1] - B[1]) / n;
    line = sprintf("%s: instructions mizzle %.0f hand %.0f ratio %.3f", r, mi, hi, mi / hi);
    if (length(M) >= 13)
      line = line sprintf("; I1 misses %.0f / %.0f; mispredicted branches %.0f / %.0f", \
        (M[4] - B[4]) / n, (H[4] - B[4]) / n, (M[11] + M[13] - B[11] - B[13]) / n, \
        (H[11] + H[13] - B[11] - B[13]) / n);
    print line
  }'
done
