// Command pod-requests-oracle writes test vectors for src/inventory/pod-requests.ts from Kubernetes' own code:
// for each generated pod, what the ResourceQuota evaluator charges its namespace
// (pkg/quota/v1/evaluator/core PodUsageFunc: resourcehelper.PodRequests with UseStatusResources and pod-level
// resources, and whether the pod is charged at all) and what the scheduler counts on its node
// (resourcehelper.PodRequests with the options pkg/scheduler/framework/types.go CalculateResource passes, checked
// here against CalculateResource itself). Both run on the pod after the API server's defaulting
// (pkg/apis/core/v1 SetObjectDefaults_Pod), as a stored pod is; half the vectors give the pod as written (not
// defaulted, as a hand-written dump may), half as stored. Feature gates are Kubernetes v1.36.3's defaults.
//
// The output is deterministic (fixed seed; Go's JSON encoder sorts map keys), so regenerating with the same
// versions gives the same file.
//
// Usage: go run . > ../fixtures/pod-requests-vectors.json.gz   (see generate.sh)
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	resourcehelper "k8s.io/component-helpers/resource"
	corev1defaults "k8s.io/kubernetes/pkg/apis/core/v1"
	"k8s.io/kubernetes/pkg/features"
	quotacore "k8s.io/kubernetes/pkg/quota/v1/evaluator/core"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	clocktesting "k8s.io/utils/clock/testing"
)

const (
	seed     = 20261129
	podCount = 12_000
)

type amount struct {
	Value  string `json:"value"`  // exact: "<integer mantissa>e<exponent>"
	Format string `json:"format"` // Go's Quantity.Format ("" for a zero Quantity{} that no parse produced)
}

type vector struct {
	Pod json.RawMessage `json:"pod"`
	// The same pod as the API server's protobuf body (`k8s\0` + runtime.Unknown), base64; every 4th vector.
	Protobuf string `json:"protobuf,omitempty"`
	// true: the pod as the API server stores it (defaulted); false: as written.
	Stored bool `json:"stored"`
	// Whether the quota evaluator charges the pod at all (QuotaV1Pod: not Succeeded or Failed).
	Counted bool `json:"counted"`
	// requests.<name> the quota evaluator charges, by <name>.
	Quota map[string]amount `json:"quota"`
	// What the scheduler counts on the pod's node.
	Scheduler map[string]amount `json:"scheduler"`
}

type header struct {
	Generator    string          `json:"generator"`
	Kubernetes   string          `json:"kubernetes"`
	FeatureGates map[string]bool `json:"featureGates"`
}

func main() {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	// gzip: the JSON is about 21 MB, 1.5 MB compressed. No name or time in the header, so the bytes are stable.
	zipped, err := gzip.NewWriterLevel(os.Stdout, gzip.BestCompression)
	check(err)
	out := bufio.NewWriter(zipped)
	defer func() {
		check(out.Flush())
		check(zipped.Close())
	}()

	gates := schedulerGates()
	head, err := json.Marshal(header{
		Generator:  fmt.Sprintf("test/pod-requests-oracle (go run .), seed %d", seed),
		Kubernetes: "v1.36.3",
		FeatureGates: map[string]bool{
			"InPlacePodVerticalScaling":              gates.inPlace,
			"PodLevelResources":                      gates.podLevel,
			"InPlacePodLevelResourcesVerticalScaling": gates.inPlacePodLevel,
			"DRANodeAllocatableResources":            gates.draNodeAllocatable,
		},
	})
	check(err)
	// The header's fields, then the pods one per line: readable diffs when the generator changes.
	fmt.Fprintf(out, "%s,\n\"pods\": [\n", strings.TrimSuffix(string(head), "}"))
	for i := 0; i < podCount; i++ {
		pod := generatePod(rng, i)
		stored := rng.IntN(2) == 0
		written := pod.DeepCopy()
		if stored {
			corev1defaults.SetObjectDefaults_Pod(written)
		}
		v := oracle(written, gates)
		v.Stored = stored
		v.Pod = mustJSON(written)
		if i%4 == 0 {
			v.Protobuf = base64.StdEncoding.EncodeToString(protobufBody(written))
		}
		line := mustJSON(v)
		sep := ","
		if i == podCount-1 {
			sep = ""
		}
		fmt.Fprintf(out, "%s%s\n", line, sep)
	}
	fmt.Fprint(out, "]}\n")
}

type featureGates struct {
	inPlace, podLevel, inPlacePodLevel, draNodeAllocatable bool
}

// The gates CalculateResource (pkg/scheduler/framework/types.go) reads, at their v1.36.3 defaults.
func schedulerGates() featureGates {
	return featureGates{
		inPlace:            utilfeature.DefaultFeatureGate.Enabled(features.InPlacePodVerticalScaling),
		podLevel:           utilfeature.DefaultFeatureGate.Enabled(features.PodLevelResources),
		inPlacePodLevel:    utilfeature.DefaultMutableFeatureGate.Enabled(features.InPlacePodLevelResourcesVerticalScaling),
		draNodeAllocatable: utilfeature.DefaultFeatureGate.Enabled(features.DRANodeAllocatableResources),
	}
}

func oracle(written *v1.Pod, gates featureGates) vector {
	// What a reader of the API gets: the pod decoded from its JSON (a quantity's format is what its text says, as
	// for any client, the scheduler and the quota controller), defaulted as the API server does on decode.
	pod := &v1.Pod{}
	check(json.Unmarshal(mustJSON(written), pod))
	corev1defaults.SetObjectDefaults_Pod(pod)

	usage, err := quotacore.PodUsageFunc(pod, clocktesting.NewFakeClock(time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)))
	check(err)
	_, counted := usage[v1.ResourcePods]
	quota := map[string]amount{}
	for name, q := range usage {
		if rest, ok := strings.CutPrefix(string(name), "requests."); ok {
			quota[rest] = amountOf(q)
		}
	}

	// Exactly the options of CalculateResource (pkg/scheduler/framework/types.go).
	requests := resourcehelper.PodRequests(pod, resourcehelper.PodResourcesOptions{
		UseStatusResources: gates.inPlace,
		InPlacePodLevelResourcesVerticalScalingEnabled: gates.inPlacePodLevel,
		SkipPodLevelResources:                          !gates.podLevel,
		UseDRANodeAllocatableResourceClaimStatus:       gates.draNodeAllocatable,
	})
	crossCheck(pod, requests)
	scheduler := map[string]amount{}
	for name, q := range requests {
		scheduler[string(name)] = amountOf(q)
	}
	return vector{Counted: counted, Quota: quota, Scheduler: scheduler}
}

// The scheduler's own accounting of the same pod must agree with the options copied above.
func crossCheck(pod *v1.Pod, requests v1.ResourceList) {
	info, err := framework.NewPodInfo(pod)
	check(err)
	r := info.CalculateResource().Resource
	cpu, memory, storage := requests[v1.ResourceCPU], requests[v1.ResourceMemory], requests[v1.ResourceEphemeralStorage]
	if r.GetMilliCPU() != cpu.MilliValue() || r.GetMemory() != memory.Value() || r.GetEphemeralStorage() != storage.Value() {
		panic(fmt.Sprintf("%s: CalculateResource %d/%d/%d disagrees with PodRequests %v", pod.Name, r.GetMilliCPU(), r.GetMemory(), r.GetEphemeralStorage(), requests))
	}
	for name, value := range r.GetScalarResources() {
		q := requests[name]
		if value != q.Value() {
			panic(fmt.Sprintf("%s: CalculateResource %s=%d disagrees with PodRequests %v", pod.Name, name, value, requests))
		}
	}
}

func amountOf(q resource.Quantity) amount {
	return amount{Value: exactValue(q), Format: string(q.Format)}
}

// As test/quantity-oracle: the exact value with the mantissa's trailing zeros moved into the exponent.
func exactValue(q resource.Quantity) string {
	c := q.DeepCopy()
	d := c.AsDec()
	if d.Sign() == 0 {
		return "0e0"
	}
	digits := d.UnscaledBig().String()
	trimmed := strings.TrimRight(digits, "0")
	exponent := -int64(d.Scale()) + int64(len(digits)-len(trimmed))
	return fmt.Sprintf("%se%d", trimmed, exponent)
}

// What the API server sends for `Accept: application/vnd.kubernetes.protobuf`
// (k8s.io/apimachinery/pkg/runtime/serializer/protobuf): the magic, then a runtime.Unknown around the object.
func protobufBody(pod *v1.Pod) []byte {
	raw, err := pod.Marshal()
	check(err)
	envelope := runtime.Unknown{TypeMeta: runtime.TypeMeta{APIVersion: "v1", Kind: "Pod"}, Raw: raw}
	body, err := envelope.Marshal()
	check(err)
	return append([]byte("k8s\x00"), body...)
}

// ------------------------------------------------------------------------------------------- generated pods

var pools = []struct {
	name   v1.ResourceName
	chance float64
	values []string
}{
	{v1.ResourceCPU, 0.8, []string{"0", "10m", "100m", "250m", "500m", "1", "1500m", "2", "2000m", "4", "1.25", "16", "3500m"}},
	{v1.ResourceMemory, 0.7, []string{"0", "64Mi", "128Mi", "512Mi", "1Gi", "1536Mi", "2Gi", "4G", "1e9", "100M", "3Gi", "1.5Gi"}},
	{"nvidia.com/gpu", 0.25, []string{"0", "1", "1", "2", "4", "8"}},
	{"hugepages-2Mi", 0.12, []string{"0", "2Mi", "4Mi", "16Mi"}},
	{"hugepages-1Gi", 0.06, []string{"1Gi", "2Gi"}},
	{v1.ResourceEphemeralStorage, 0.1, []string{"500M", "1Gi", "10Gi"}},
	// Nothing past E: Go's JSON writes a Quantity's String(), a bare mantissa there (2000E as "2").
	{"example.com/foo", 0.08, []string{"1", "3", "5E", "999E"}},
}

// A random resource list: each resource with its own chance (times density), nil when empty and nilWhenEmpty.
func randomList(rng *rand.Rand, density float64, only func(v1.ResourceName) bool) v1.ResourceList {
	out := v1.ResourceList{}
	for _, pool := range pools {
		if only != nil && !only(pool.name) {
			continue
		}
		if rng.Float64() < pool.chance*density {
			out[pool.name] = resource.MustParse(pool.values[rng.IntN(len(pool.values))])
		}
	}
	if len(out) == 0 && rng.IntN(2) == 0 {
		return nil
	}
	return out
}

func podLevel(name v1.ResourceName) bool {
	// Mostly what pod-level resources support (cpu, memory, hugepages-*); now and then one they ignore.
	return name == v1.ResourceCPU || name == v1.ResourceMemory || strings.HasPrefix(string(name), v1.ResourceHugePagesPrefix) || name == "nvidia.com/gpu"
}

func requirements(rng *rand.Rand) v1.ResourceRequirements {
	r := v1.ResourceRequirements{Requests: randomList(rng, 1, nil)}
	if rng.IntN(2) == 0 {
		r.Limits = randomList(rng, 0.8, nil)
	}
	return r
}

func containerStatus(rng *rand.Rand, name string) v1.ContainerStatus {
	cs := v1.ContainerStatus{Name: name}
	if rng.IntN(2) == 0 {
		cs.AllocatedResources = randomList(rng, 1, nil)
	}
	if rng.IntN(10) < 7 {
		cs.Resources = &v1.ResourceRequirements{Requests: randomList(rng, 1, nil), Limits: randomList(rng, 0.5, nil)}
	}
	return cs
}

var phases = []v1.PodPhase{"", v1.PodPending, v1.PodRunning, v1.PodRunning, v1.PodRunning, v1.PodSucceeded, v1.PodFailed, v1.PodUnknown}

func generatePod(rng *rand.Rand, i int) *v1.Pod {
	always := v1.ContainerRestartPolicyAlways
	never := v1.ContainerRestartPolicy("Never")
	pod := &v1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("p%05d", i), Namespace: "ns"},
	}
	for c := 0; c < 1+rng.IntN(3); c++ {
		pod.Spec.Containers = append(pod.Spec.Containers, v1.Container{Name: fmt.Sprintf("c%d", c), Resources: requirements(rng)})
	}
	for c := 0; c < rng.IntN(4); c++ {
		init := v1.Container{Name: fmt.Sprintf("i%d", c), Resources: requirements(rng)}
		switch n := rng.IntN(10); {
		case n < 4:
			init.RestartPolicy = &always // a sidecar
		case n == 4:
			init.RestartPolicy = &never // not a sidecar: only Always is
		}
		pod.Spec.InitContainers = append(pod.Spec.InitContainers, init)
	}
	if rng.IntN(100) < 15 {
		pod.Spec.Overhead = randomList(rng, 1, func(n v1.ResourceName) bool { return n == v1.ResourceCPU || n == v1.ResourceMemory })
	}
	switch n := rng.IntN(100); {
	case n < 30:
		// Requests alone, limits alone (defaulting fills the requests), or both.
		densities := []float64{0, 0.6, 1.5}
		pod.Spec.Resources = &v1.ResourceRequirements{Requests: randomList(rng, densities[rng.IntN(3)], podLevel)}
		if rng.IntN(2) == 0 {
			pod.Spec.Resources.Limits = randomList(rng, densities[1+rng.IntN(2)], podLevel)
		}
	case n < 35:
		pod.Spec.Resources = &v1.ResourceRequirements{}
	}

	pod.Status.Phase = phases[rng.IntN(len(phases))]
	switch n := rng.IntN(100); {
	case n < 12:
		pod.Status.Conditions = append(pod.Status.Conditions, v1.PodCondition{Type: v1.PodResizePending, Status: v1.ConditionTrue, Reason: v1.PodReasonInfeasible})
	case n < 24:
		pod.Status.Conditions = append(pod.Status.Conditions, v1.PodCondition{Type: v1.PodResizePending, Status: v1.ConditionTrue, Reason: v1.PodReasonDeferred})
	case n < 32:
		pod.Status.Conditions = append(pod.Status.Conditions, v1.PodCondition{Type: v1.PodResizeInProgress, Status: v1.ConditionTrue})
	case n < 35:
		// Only the first PodResizePending condition is read.
		pod.Status.Conditions = append(pod.Status.Conditions,
			v1.PodCondition{Type: v1.PodResizePending, Status: v1.ConditionTrue, Reason: v1.PodReasonDeferred},
			v1.PodCondition{Type: v1.PodResizePending, Status: v1.ConditionTrue, Reason: v1.PodReasonInfeasible})
	}
	if rng.IntN(3) == 0 {
		pod.Status.Conditions = append([]v1.PodCondition{{Type: v1.PodReady, Status: v1.ConditionTrue, Reason: v1.PodReasonInfeasible}}, pod.Status.Conditions...)
	}
	for _, c := range pod.Spec.Containers {
		if rng.IntN(10) < 4 {
			pod.Status.ContainerStatuses = append(pod.Status.ContainerStatuses, containerStatus(rng, c.Name))
		}
	}
	for _, c := range pod.Spec.InitContainers {
		if rng.IntN(10) < 4 {
			pod.Status.InitContainerStatuses = append(pod.Status.InitContainerStatuses, containerStatus(rng, c.Name))
		}
	}
	if rng.IntN(20) == 0 {
		pod.Status.ContainerStatuses = append(pod.Status.ContainerStatuses, containerStatus(rng, "gone"))
	}
	if pod.Spec.Resources != nil {
		if rng.IntN(10) < 4 {
			pod.Status.Resources = &v1.ResourceRequirements{Requests: randomList(rng, 1.5, podLevel), Limits: randomList(rng, 1, podLevel)}
		}
		if rng.IntN(10) < 4 {
			pod.Status.AllocatedResources = randomList(rng, 1.5, podLevel)
		}
	}
	return pod
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	check(err)
	return b
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}
