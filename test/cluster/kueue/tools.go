//go:build tools

// Package tools pins Kueue for the cluster tests: its CRDs (config/components/crd/bases, copied out of the module
// cache by build-tools.sh kueue-crds) and the module graph of its manager (cmd/kueue), from whose packages
// cmd/kueue-manager is built (build-tools.sh kueue-manager). This file is never compiled.
package tools

import (
	_ "sigs.k8s.io/kueue/cmd/kueue"
)
