#!/usr/bin/env bash
# Builds the peers the collector benchmark compares against into bench/.peers/ (git-ignored):
#   kubectl                   from k8s.io/kubernetes/cmd/kubectl in test/cluster/go.mod (same version as the API server)
#   kubectl-view-allocations  cargo install --locked, pinned below (crates.io)
#   kube-capacity             go install by module name, pinned below (Go module proxy)
# Also builds the control plane (test/cluster/build.sh) if it is missing. One peer that cannot be built is reported
# and skipped; the benchmark then leaves it out of its table. Run: bash bench/setup.sh  (or npm run bench:setup)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
peers="$here/.peers"
mkdir -p "$peers/bin"
VIEW_ALLOCATIONS_VERSION=3.1.0
KUBE_CAPACITY_VERSION=v0.8.0
status=0

if [ ! -x "$here/../test/cluster/.bin/kube-apiserver" ]; then bash "$here/../test/cluster/build.sh" || status=1; fi

# kubectl: built like the control plane (same module, same ldflags), so client and server versions match.
(
  set -e
  cd "$here/../test/cluster"
  k8s=$(go list -m -f '{{.Version}}' k8s.io/kubernetes)
  minor=$(echo "$k8s" | cut -d. -f2)
  ver="k8s.io/component-base/version"
  CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X $ver.gitVersion=$k8s -X $ver.gitMajor=1 -X $ver.gitMinor=$minor -X $ver.gitTreeState=clean" \
    -o "$peers/bin/.kubectl.new" k8s.io/kubernetes/cmd/kubectl
  # Linked to a new file, checked, renamed into place (as test/cluster/build.sh does: never a half-written binary).
  "$peers/bin/.kubectl.new" version --client >/dev/null
  mv -f "$peers/bin/.kubectl.new" "$peers/bin/kubectl"
  echo "kubectl $k8s built"
) || { echo "bench/setup.sh: kubectl could not be built" >&2; status=1; }

if [ ! -x "$peers/bin/kubectl-view-allocations" ] || ! "$peers/bin/kubectl-view-allocations" --version 2>/dev/null | grep -q "$VIEW_ALLOCATIONS_VERSION"; then
  cargo install kubectl-view-allocations --locked --version "$VIEW_ALLOCATIONS_VERSION" --root "$peers" \
    || { echo "bench/setup.sh: kubectl-view-allocations $VIEW_ALLOCATIONS_VERSION could not be built" >&2; status=1; }
fi

GOBIN="$peers/bin" go install "github.com/robscott/kube-capacity@$KUBE_CAPACITY_VERSION" \
  || { echo "bench/setup.sh: kube-capacity $KUBE_CAPACITY_VERSION could not be installed (is the module served by your Go proxy?)" >&2; status=1; }

ls -l "$peers/bin"
exit $status
