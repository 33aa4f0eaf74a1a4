// Command nodeagent is the kubelet of the local cluster's simulated nodes, for what a kubelet reports about pods.
//
// kwok keeps the simulated nodes alive (heartbeats); this agent runs their pods. For every pod bound to a simulated
// node it gives the pod a network of its own (a network namespace with the pod's IP on the cluster bridge, or the node's
// namespace for host-network pods), runs the pod's init and main containers as real processes from the pod's own command,
// arguments and environment (the engines are the stand-ins under hack/standin, found first on the PATH), in a sandbox
// with the pod's volumes, runs the pod's probes with their periods, thresholds and budgets, restarts containers that
// exit or fail their liveness probe (with the kubelet's back-off), and reports all of it in the pod's status as the
// kubelet would. Deleting a pod stops its containers within the grace period, then removes the pod. A Node that goes
// takes its pods' processes with it.
//
// Pods that the operator does not manage (no app.kubernetes.io/managed-by=deepseek-operator label) are not run: they
// get an IP and are reported running and ready at once, as kwok reports them without the agent.
//
// Networking is contained: every address lives in namespaces the agent creates, on a bridge in the host namespace, and
// nothing dials outside them (docs/development.md, "The local cluster").
//
//	nodeagent run --kubeconfig F --state-dir D --standins D --prefix dso0 --node-cidr 10.250.0.0/16 \
//	    --pod-cidr 10.244.0.0/16 --service-cidr 10.96.0.0/16 --apiserver 127.0.0.1:16443
//	nodeagent sandbox SPEC      (internal: the container runtime's last step inside the pod's namespaces)
//	nodeagent cleanup --state-dir D --prefix P   (what a killed agent left behind)
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

type options struct {
	kubeconfig, stateDir, standins, prefix string
	nodeCIDR, podCIDR, serviceCIDR         string
	apiserver                              string
	backoff, maxBackoff                    time.Duration
}

func main() {
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: nodeagent run|sandbox|cleanup ...")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "sandbox":
		sandbox(os.Args[2])
		return
	case "cleanup":
		o := parseFlags(os.Args[2:])
		cleanup(o)
		return
	case "run":
		run(parseFlags(os.Args[2:]))
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q\n", os.Args[1])
		os.Exit(2)
	}
}

func parseFlags(args []string) options {
	var o options
	fs := flag.NewFlagSet("nodeagent", flag.ExitOnError)
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "kubeconfig of an identity that may read and write pods, nodes, secrets, configmaps, events")
	fs.StringVar(&o.stateDir, "state-dir", "", "where pod sandboxes, logs and pid files live")
	fs.StringVar(&o.standins, "standins", "", "the stand-in engines' directory (bin/, pylib/)")
	fs.StringVar(&o.prefix, "prefix", "dso0", "prefix of every network namespace and interface the agent makes (short: interface names have 15 characters)")
	fs.StringVar(&o.nodeCIDR, "node-cidr", "10.250.0.0/16", "the simulated nodes' addresses")
	fs.StringVar(&o.podCIDR, "pod-cidr", "10.244.0.0/16", "the cluster's pod addresses (each node's spec.podCIDR lies in it)")
	fs.StringVar(&o.serviceCIDR, "service-cidr", "10.96.0.0/16", "the Service addresses kube-proxy programs in the client namespace")
	fs.StringVar(&o.apiserver, "apiserver", "", "host:port of the API server on loopback, forwarded to the bridge for kube-proxy")
	fs.DurationVar(&o.backoff, "restart-backoff", 10*time.Second, "the kubelet's first container restart back-off")
	fs.DurationVar(&o.maxBackoff, "max-restart-backoff", 300*time.Second, "the kubelet's longest container restart back-off")
	fs.Parse(args)
	if o.stateDir == "" {
		log.Fatal("--state-dir is required")
	}
	return o
}

func run(o options) {
	cfg, err := clientcmd.BuildConfigFromFlags("", o.kubeconfig)
	if err != nil {
		log.Fatalf("kubeconfig: %v", err)
	}
	cfg.QPS, cfg.Burst = 200, 400
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		log.Fatalf("client: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	net, err := newNetwork(o)
	if err != nil {
		log.Fatalf("network: %v", err)
	}
	a := newAgent(o, client, cfg, net)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		log.Printf("stopping: every container is stopped, every namespace removed")
		cancel()
	}()
	a.run(ctx)
	a.shutdown()
	net.teardown()
	log.Printf("stopped")
}
