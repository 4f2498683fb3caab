#!/usr/bin/env bash
# Regenerates test/fixtures/quantity-vectors.json from k8s.io/apimachinery (version pinned in go.mod).
# Deterministic: the same apimachinery version and generator give a byte-identical file.
set -euo pipefail
cd "$(dirname "$0")"
out=../fixtures/quantity-vectors.json
mkdir -p ../fixtures
go run . > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $(grep -c '"input"' "$out") parse vectors to test/fixtures/quantity-vectors.json"
