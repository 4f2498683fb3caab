//go:build tools

// Package tools pins Kueue for the cluster tests: its CRDs (config/components/crd/bases, copied out of the module
// cache by build-tools.sh kueue-crds) and its manager (cmd/kueue). It is never compiled.
package tools

import (
	_ "sigs.k8s.io/kueue/cmd/kueue"
)
