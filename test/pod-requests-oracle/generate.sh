#!/usr/bin/env bash
# Regenerates test/fixtures/pod-requests-vectors.json.gz from Kubernetes' own code (k8s.io/kubernetes v1.36.3, the
# control plane the cluster tests run; versions pinned in go.mod). Deterministic: the same versions and generator
# give a byte-identical file.
set -euo pipefail
cd "$(dirname "$0")"
out=../fixtures/pod-requests-vectors.json.gz
mkdir -p ../fixtures
go run . > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $(gzip -dc "$out" | grep -c '"pod"') pod vectors to test/fixtures/pod-requests-vectors.json.gz"
