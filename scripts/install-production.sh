#!/usr/bin/env bash
# Installs the packed quotaplan package with its production dependencies only, as the image does (Containerfile,
# stage 2) and as test/integration/package.test.ts does in a temporary folder:
#
#   scripts/install-production.sh PACKAGE.tgz package-lock.json TARGET_DIR
#
# The versions come from package-lock.json (npm pack leaves the lock file out; npm ci --omit=dev reads it). Scripts are
# off for the install, so the package's own `prepare` (a development build) never runs; then better-sqlite3's install
# script alone gets its native module for this Node (a prebuilt binary, or compiled against the local headers).
set -euo pipefail
tarball=$(realpath "$1")
lock=$(realpath "$2")
target=$3
mkdir -p "$target"
cd "$target"
tar -xzf "$tarball" --strip-components=1
cp "$lock" package-lock.json
npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline
npm rebuild better-sqlite3
# The native module's sources and intermediate objects are not needed to run it.
rm -rf node_modules/better-sqlite3/deps node_modules/better-sqlite3/src node_modules/better-sqlite3/build/Release/obj node_modules/better-sqlite3/build/Release/obj.target
