#!/usr/bin/env bash
# Every benchmark, one after another (see docs/benchmarks.md). Not part of .ci/run; asserts nothing.
#   bash bench/setup.sh   # once: builds kubectl, kubectl-view-allocations (and kube-capacity where it is served)
#   npm run bench         # this script; BENCH_ONLY=startup|collect-small|collect|plan|store|serve runs one of them
# Results: Markdown tables on stdout, raw JSON in bench/results/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
only=${BENCH_ONLY:-all}
run() { echo "== $*" >&2; node --import tsx "$@"; }
uptime
if [ "$only" = all ] || [ "$only" = startup ]; then run bench/startup.bench.ts; fi
# Most clusters are small: there, startup is the whole cost of a collection (issue 16).
if [ "$only" = all ] || [ "$only" = collect-small ]; then run bench/collect.bench.ts --stages 40:1200 --namespaces 20 --runs 11; fi
if [ "$only" = all ] || [ "$only" = plan ]; then run bench/plan.bench.ts 15; fi
if [ "$only" = all ] || [ "$only" = collect ]; then run bench/collect.bench.ts --cpu-prof; fi
if [ "$only" = all ] || [ "$only" = store ]; then run bench/store-year.ts; fi
if [ "$only" = all ] || [ "$only" = serve ]; then run bench/serve.bench.ts; fi
uptime
