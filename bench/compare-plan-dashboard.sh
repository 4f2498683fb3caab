#!/usr/bin/env bash
# The planner and the dashboard of two commits, measured in one run on frozen trees (git worktree add --detach),
# rounds alternating so machine load falls on both alike (docs/benchmarks.md, section 5):
#   bash bench/compare-plan-dashboard.sh BASE_COMMIT HEAD_COMMIT [HOURS] [NODES]      (ONLY=dashboard: skip the planner)
# Planner: head's bench/plan.bench.ts with --before base (the two planners alternate run by run in one process,
# and their plan JSON is compared). Dashboard: head's bench/serve.bench.ts against `quotaplan serve` of each tree
# (--quotaplan-root), base, head, base, head, on one database head's bench/store-year.ts writes (HOURS hourly
# snapshots of a NODES-node cluster). Asserts nothing; prints the raw output and the load average.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
hours=${3:-200}; nodes=${4:-100}
out=$(mktemp -d /tmp/quotaplan-compare-XXXXXX)
# freeze runs in a command substitution (a subshell), so the trees are known by path, not by a list it appends to.
cleanup() { cp -r "$out/head/bench/results" "$out/results" 2>/dev/null; for tree in "$out/base" "$out/head"; do [ -d "$tree" ] && git -C "$here" worktree remove --force "$tree" >/dev/null 2>&1; done; true; }
trap cleanup EXIT
freeze() {
  local tree="$out/$1"
  git -C "$here" worktree add --detach "$tree" "$2" >/dev/null 2>&1
  ln -s "$here/node_modules" "$tree/node_modules"
  mkdir -p "$tree/bench/results"
  # A tree that does not build must stop the comparison here, not later as "serve exited 70".
  (cd "$tree" && node --import tsx scripts/build.ts >"$out/build-$1.log" 2>&1) || { cat "$out/build-$1.log" >&2; return 1; }
  echo "$tree"
}
base=$(freeze base "$1") || exit 1; head=$(freeze head "$2") || exit 1
echo "base $(git -C "$base" rev-parse --short HEAD), head $(git -C "$head" rev-parse --short HEAD)"
uptime
if [ "${ONLY:-}" != dashboard ]; then
  echo "== planner (head's bench, --before base)"
  (cd "$head" && node --import tsx bench/plan.bench.ts "${RUNS:-15}" --before "$base")
  uptime
fi
(cd "$head" && node --import tsx bench/store-year.ts --db "$out/year.db" --hours "$hours" --nodes "$nodes" >/dev/null 2>&1)
for round in 1 2; do
  for side in base head; do
    root=$([ "$side" = base ] && echo "$base" || echo "$head")
    echo "== dashboard $side round $round"
    (cd "$head" && node --import tsx bench/serve.bench.ts --db "$out/year.db" --quotaplan-root "$root" --seconds "${SECONDS_PER_CALL:-3}" --connections "${CONNECTIONS:-1,8}" --resources nvidia.com/gpu 2>&1 | tail -n 40)
  done
done
uptime
echo "raw: $out"
