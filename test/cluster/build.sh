#!/usr/bin/env bash
# Builds etcd, kube-apiserver and kube-controller-manager from the Go modules pinned in go.mod into
# test/cluster/.bin (git-ignored). Go's build cache makes a rebuild with nothing changed take seconds.
set -euo pipefail
cd "$(dirname "$0")"
out=${QUOTAPLAN_CLUSTER_BIN:-$PWD/.bin}
mkdir -p "$out"
# Two test processes (or a test and `npm run cluster:build`) must not write the same binaries at once.
if command -v flock >/dev/null 2>&1; then exec 9>"$out/.build.lock"; flock 9; fi
k8s=$(go list -m -f '{{.Version}}' k8s.io/kubernetes)
minor=$(echo "$k8s" | cut -d. -f2)
# The version the binaries report (kubectl version, /version); without it they say v0.0.0-master.
ver="k8s.io/component-base/version"
ldflags="-s -w -X $ver.gitVersion=$k8s -X $ver.gitMajor=1 -X $ver.gitMinor=$minor -X $ver.gitTreeState=clean"
export CGO_ENABLED=0
go build -trimpath -ldflags "$ldflags" -o "$out/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
go build -trimpath -ldflags "$ldflags" -o "$out/kube-controller-manager" k8s.io/kubernetes/cmd/kube-controller-manager
go build -trimpath -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3
echo "control plane $k8s built in $out"
