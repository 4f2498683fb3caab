#!/usr/bin/env bash
# Builds the command-line tools the deployment tests drive, into test/cluster/.bin (git-ignored) or
# $QUOTAPLAN_CLUSTER_BIN, beside the control plane:
#   kubectl  from k8s.io/kubernetes/cmd/kubectl in go.mod (the API server's own release), for kubectl plugin discovery
#   helm     from helm.sh/helm/v4/cmd/helm in helm/go.mod (a module of its own: Helm v4.3 brings k8s.io v0.37.x,
#            the control plane's go.mod pins v0.36.x, and one go.mod keeps every k8s.io module at one release)
#   kueue-crds  Kueue's CRDs (config/components/crd/bases/*.yaml) of sigs.k8s.io/kueue in kueue/go.mod (a module of
#            its own for the same reason), copied out of the Go module cache into kueue-crds/; nothing is compiled
#   kueue-manager  Kueue's controllers and scheduler without its webhook, metrics and health servers
#            (kueue/cmd/kueue-manager, built from the same sigs.k8s.io/kueue), for the admission test
# Usage: build-tools.sh [kubectl] [helm] [kueue-crds] [kueue-manager]   (default: kubectl and helm). Go's build cache makes an
# unchanged rebuild take seconds.
set -euo pipefail
cd "$(dirname "$0")"
out=${QUOTAPLAN_CLUSTER_BIN:-$PWD/.bin}
mkdir -p "$out"
if command -v flock >/dev/null 2>&1; then exec 9>"$out/.build-tools.lock"; flock 9; fi
export CGO_ENABLED=0
# Linked to a new file, checked, renamed into place, as build.sh does: never a half-written binary.
link() {
  go build -trimpath -ldflags "$2" -o "$out/.$1.new" "$3"
  "$out/.$1.new" version ${4:-} >/dev/null
  mv -f "$out/.$1.new" "$out/$1"
}
tools=("$@")
[ ${#tools[@]} -gt 0 ] || tools=(kubectl helm)
for tool in "${tools[@]}"; do
  case "$tool" in
    kubectl)
      k8s=$(go list -m -f '{{.Version}}' k8s.io/kubernetes)
      ver="k8s.io/component-base/version"
      link kubectl "-s -w -X $ver.gitVersion=$k8s -X $ver.gitMajor=1 -X $ver.gitMinor=$(echo "$k8s" | cut -d. -f2) -X $ver.gitTreeState=clean" \
        k8s.io/kubernetes/cmd/kubectl --client
      echo "kubectl $k8s built in $out"
      ;;
    helm)
      helm=$(cd helm && go list -m -f '{{.Version}}' helm.sh/helm/v4)
      (cd helm && link helm "-s -w -X helm.sh/helm/v4/internal/version.version=$helm -X helm.sh/helm/v4/internal/version.gitTreeState=clean" \
        helm.sh/helm/v4/cmd/helm)
      echo "helm $helm built in $out"
      ;;
    kueue-crds)
      kueue=$(cd kueue && go list -m -f '{{.Version}}' sigs.k8s.io/kueue)
      # The module's folder in the cache (downloaded first when missing); its files are read-only there.
      src=$(cd kueue && go mod download -json sigs.k8s.io/kueue | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
      [ -d "$src/config/components/crd/bases" ] || { echo "build-tools.sh: no config/components/crd/bases in sigs.k8s.io/kueue $kueue ($src)" >&2; exit 1; }
      rm -rf "$out/.kueue-crds.new"
      mkdir -p "$out/.kueue-crds.new"
      cp "$src"/config/components/crd/bases/*.yaml "$out/.kueue-crds.new/"
      chmod u+w "$out/.kueue-crds.new"/*.yaml
      echo "sigs.k8s.io/kueue $kueue" >"$out/.kueue-crds.new/VERSION"
      rm -rf "$out/kueue-crds"
      mv "$out/.kueue-crds.new" "$out/kueue-crds"
      echo "Kueue $kueue CRDs ($(ls "$out/kueue-crds" | grep -c '\.yaml$') files) copied into $out/kueue-crds"
      ;;
    kueue-manager)
      kueue=$(cd kueue && go list -m -f '{{.Version}}' sigs.k8s.io/kueue)
      started=$SECONDS
      (cd kueue && link kueue-manager "-s -w" ./cmd/kueue-manager)
      echo "kueue-manager (sigs.k8s.io/kueue $kueue) built in $out in $((SECONDS - started))s"
      ;;
    *) echo "build-tools.sh: unknown tool $tool (kubectl, helm, kueue-crds, kueue-manager)" >&2; exit 2 ;;
  esac
done
