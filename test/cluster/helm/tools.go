//go:build tools

// Package tools pins the Helm CLI the chart tests build; it is never compiled.
package tools

import (
	_ "helm.sh/helm/v4/cmd/helm"
)
