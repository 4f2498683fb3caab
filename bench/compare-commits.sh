#!/usr/bin/env bash
# Two checkouts measured in one run, rounds alternating so machine load falls on both alike (docs/benchmarks.md):
#   bash bench/compare-commits.sh BASE_CHECKOUT HEAD_CHECKOUT [HOURS] [NODES]
# Store: each checkout's bench/store-year.ts writes HOURS hourly snapshots of a NODES-node cluster into a fresh
# database (two rounds each); the per-save times it records are summarised as median / p90. Dashboard: this
# checkout's bench/serve.bench.ts against `quotaplan serve` of each checkout (--quotaplan-root), on one database
# written by HEAD. Frozen checkouts (git worktree add DIR COMMIT) are immune to edits in progress. Asserts nothing.
set -euo pipefail
base=$(cd "$1" && pwd); head=$(cd "$2" && pwd); hours=${3:-200}; nodes=${4:-2000}
out=$(mktemp -d /tmp/quotaplan-compare-XXXXXX)
here=$(cd "$(dirname "$0")/.." && pwd)
summary() { sort -n -k2 "$1" | awk '{ v[NR] = $2 } END { p = int(NR * 0.9) + 1; if (p > NR) p = NR; printf "median %.1f ms, p90 %.1f ms over %d saves", v[int((NR + 1) / 2)], v[p], NR }'; }
uptime
for round in 1 2; do
  for side in base head; do
    root=$([ "$side" = base ] && echo "$base" || echo "$head")
    db="$out/$side-$round.db"
    (cd "$root" && node --import tsx bench/store-year.ts --db "$db" --hours "$hours" --nodes "$nodes" --pause-file "$out/no-pause" >/dev/null 2>&1)
    # Later saves only: the first is the whole cluster.
    tail -n +2 "$db.save-ms" > "$out/$side-$round.ms"
    echo "store $side round $round: $(summary "$out/$side-$round.ms")"
  done
done
cat "$out"/base-*.ms > "$out/base.ms"; cat "$out"/head-*.ms > "$out/head.ms"
echo "store base (both rounds): $(summary "$out/base.ms")"
echo "store head (both rounds): $(summary "$out/head.ms")"
for round in 1 2; do
  for side in base head; do
    root=$([ "$side" = base ] && echo "$base" || echo "$head")
    echo "== dashboard $side round $round"
    node --import tsx "$here/bench/serve.bench.ts" --db "$out/head-1.db" --quotaplan-root "$root" --seconds "${SECONDS_PER_CALL:-4}" --connections 1,8 --resources "${RESOURCES:-nvidia.com/gpu}" 2>&1 | tail -n 40
  done
done
uptime
echo "raw: $out"
