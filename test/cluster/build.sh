#!/usr/bin/env bash
# Builds etcd, kube-apiserver and kube-controller-manager from the Go modules pinned in go.mod into
# test/cluster/.bin (git-ignored). Go's build cache makes a rebuild with nothing changed take seconds.
set -euo pipefail
cd "$(dirname "$0")"
out=${QUOTAPLAN_CLUSTER_BIN:-$PWD/.bin}
mkdir -p "$out"
# Two test processes (or a test and `npm run cluster:build`) must not write the same binaries at once.
if command -v flock >/dev/null 2>&1; then exec 9>"$out/.build.lock"; flock 9; fi
# Progress on stderr (the first build is long and go build prints nothing): each step with the time so far, and a
# line every 30 s while one runs. QUOTAPLAN_BUILD_TICK_S changes the interval.
start=$SECONDS
tick=${QUOTAPLAN_BUILD_TICK_S:-30}
ticker=
trap '[ -z "$ticker" ] || kill "$ticker" 2>/dev/null' EXIT
say() { echo "[cluster build] $* ($((SECONDS - start)) s)" >&2; }
say "reading the module graph (the first run downloads the modules)"
k8s=$(go list -m -f '{{.Version}}' k8s.io/kubernetes)
minor=$(echo "$k8s" | cut -d. -f2)
# The version the binaries report (kubectl version, /version); without it they say v0.0.0-master.
ver="k8s.io/component-base/version"
ldflags="-s -w -X $ver.gitVersion=$k8s -X $ver.gitMajor=1 -X $ver.gitMinor=$minor -X $ver.gitTreeState=clean"
export CGO_ENABLED=0
say "building etcd, kube-apiserver and kube-controller-manager $k8s into $out: the first build (cold Go cache) takes about 4 min on an idle 2-core machine and 12 or more on a loaded one; later ones seconds"
# Each binary is linked to a new file and renamed into place: a running control plane keeps its old file, and an
# interrupted build never leaves a half-written binary (`go build -o` onto an existing file whose build ID matches
# would not rewrite it, so a damaged one would stay). Then each must at least print its version.
step=0
build() {
  step=$((step + 1))
  say "$step/3 $1: building"
  ( while sleep "$tick"; do say "$step/3 $1: still building"; done ) &
  ticker=$!
  go build -trimpath -ldflags "$2" -o "$out/.$1.new" "$3"
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true
  ticker=
  "$out/.$1.new" --version >/dev/null
  mv -f "$out/.$1.new" "$out/$1"
  say "$step/3 $1: done"
}
build kube-apiserver "$ldflags" k8s.io/kubernetes/cmd/kube-apiserver
build kube-controller-manager "$ldflags" k8s.io/kubernetes/cmd/kube-controller-manager
build etcd "-s -w" go.etcd.io/etcd/server/v3
say "control plane $k8s built in $out"
echo "control plane $k8s built in $out"
