// Command kueue-manager runs Kueue's own controllers and scheduler (sigs.k8s.io/kueue, the version in ../../go.mod)
// against an API server, without Kueue's webhook, metrics and health servers, for the cluster tests: it is what
// cmd/kueue/main.go of that version sets up for the core API (ResourceFlavor, Cohort, ClusterQueue, LocalQueue,
// Workload, AdmissionCheck, WorkloadPriorityClass) and its scheduler, and nothing else. It is built from Kueue's
// packages rather than cmd/kueue because cmd/kueue always serves webhooks and metrics over TLS (the metrics
// certificate from the fixed path /etc/kueue/metrics/certs when internal certificate management is off), and
// registers every job integration (Job, JobSet, Kubeflow, Ray, ...), none of which these tests use: Workload objects
// are created directly. Without the defaulting webhook, every Workload must be written complete.
//
// Usage: kueue-manager --kubeconfig FILE            (runs until SIGTERM or SIGINT; logs to stderr)
//        kueue-manager version                      (prints the Kueue version it was built from)
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/debug"

	resourceapi "k8s.io/api/resource/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	configapi "sigs.k8s.io/kueue/apis/config/v1beta2"
	kueuealpha "sigs.k8s.io/kueue/apis/kueue/v1alpha1"
	kueuev1beta1 "sigs.k8s.io/kueue/apis/kueue/v1beta1"
	kueue "sigs.k8s.io/kueue/apis/kueue/v1beta2"
	qcache "sigs.k8s.io/kueue/pkg/cache/queue"
	schdcache "sigs.k8s.io/kueue/pkg/cache/scheduler"
	"sigs.k8s.io/kueue/pkg/constants"
	"sigs.k8s.io/kueue/pkg/controller/core"
	"sigs.k8s.io/kueue/pkg/controller/core/indexer"
	"sigs.k8s.io/kueue/pkg/scheduler"
	preemptexpectations "sigs.k8s.io/kueue/pkg/scheduler/preemption/expectations"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == "version" {
		fmt.Println(kueueVersion())
		return
	}
	zapOptions := zap.Options{}
	zapOptions.BindFlags(flag.CommandLine)
	// --kubeconfig is registered by controller-runtime's config package (ctrl.GetConfig).
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zapOptions)))
	if err := run(ctrl.SetupSignalHandler()); err != nil {
		fmt.Fprintf(os.Stderr, "kueue-manager: %v\n", err)
		os.Exit(1)
	}
}

// kueueVersion is the version of sigs.k8s.io/kueue this binary was linked with, from the build information.
func kueueVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "sigs.k8s.io/kueue" {
				return "sigs.k8s.io/kueue " + dep.Version
			}
		}
	}
	return "sigs.k8s.io/kueue (unknown version)"
}

func run(ctx context.Context) error {
	scheme := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(schedulingv1.AddToScheme(scheme))
	utilruntime.Must(resourceapi.AddToScheme(scheme))
	utilruntime.Must(kueue.AddToScheme(scheme))
	utilruntime.Must(kueuev1beta1.AddToScheme(scheme))
	utilruntime.Must(kueuealpha.AddToScheme(scheme))
	utilruntime.Must(configapi.AddToScheme(scheme))

	// Kueue's default configuration, as cmd/kueue has it without a config file.
	cfg := configapi.Configuration{}
	scheme.Default(&cfg)

	kubeConfig, err := ctrl.GetConfig()
	if err != nil {
		return fmt.Errorf("kubeconfig: %w", err)
	}
	kubeConfig.UserAgent = "kueue-manager (quotaplan tests)"
	mgr, err := ctrl.NewManager(kubeConfig, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"}, // no metrics server
		HealthProbeBindAddress: "0",                                     // no health server
		LeaderElection:         false,                                   // one manager
	})
	if err != nil {
		return fmt.Errorf("manager: %w", err)
	}
	if err := indexer.Setup(ctx, mgr.GetFieldIndexer()); err != nil {
		return fmt.Errorf("indexes: %w", err)
	}
	cCache := schdcache.New(mgr.GetClient())
	requeuer := qcache.NewRequeuer()
	if err := mgr.Add(requeuer); err != nil {
		return fmt.Errorf("requeuer: %w", err)
	}
	expectations := preemptexpectations.New()
	queues := qcache.NewManager(mgr.GetClient(), cCache, requeuer, qcache.WithPreemptionExpectations(expectations))
	if failed, err := core.SetupControllers(mgr, queues, cCache, &cfg, nil, expectations, nil); err != nil {
		return fmt.Errorf("controller %s: %w", failed, err)
	}
	go queues.CleanUpOnContext(ctx)
	go cCache.CleanUpOnContext(ctx)
	sched := scheduler.New(queues, cCache, mgr.GetClient(), mgr.GetEventRecorderFor(constants.AdmissionName),
		scheduler.WithPreemptionExpectations(expectations))
	if err := mgr.Add(sched); err != nil {
		return fmt.Errorf("scheduler: %w", err)
	}
	fmt.Fprintf(os.Stderr, "kueue-manager: %s starting (controllers and scheduler; no webhooks)\n", kueueVersion())
	return mgr.Start(ctx)
}
