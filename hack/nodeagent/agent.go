package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
)

const (
	fakeNodeAnnotation = "kwok.x-k8s.io/node"
	managedByLabel     = "app.kubernetes.io/managed-by"
	managedByOperator  = "deepseek-operator"
	deploymentLabel    = "serving.deepseek-operator.io/deployment"
	// Stand-in knobs a DeepSeekDeployment may carry as annotations; only the agent reads them.
	knobPrefix = "standin.deepseek-operator.io/"
)

var dsdResource = schema.GroupVersionResource{Group: "serving.deepseek-operator.io", Version: "v1alpha1", Resource: "deepseekdeployments"}

type simNode struct {
	name        string
	ns          string
	ip          net.IP
	podCIDR     *net.IPNet
	partitioned bool
}

// partitionAnnotation on a Node cuts the node off the cluster network (its links go down) while its kubelet goes on
// reporting: a data-network failure. Its pods' processes run on, and the kubelet's probes (made from the node) still
// reach its host-network pods.
const partitionAnnotation = knobPrefix + "partitioned"

type agent struct {
	o         options
	client    kubernetes.Interface
	dyn       dynamic.Interface
	net       *network
	self      string
	events    record.EventRecorderLogger
	broadcast record.EventBroadcaster

	mu      sync.Mutex
	allocMu sync.Mutex
	// lastIP: per node, the host number of the pod address given last (under allocMu); see nextFree.
	lastIP map[string]uint32
	nodes  map[string]*simNode
	pods   map[types.UID]*podWorker
	wg     sync.WaitGroup
}

func newAgent(o options, client kubernetes.Interface, cfg *rest.Config, n *network) *agent {
	self, err := os.Executable()
	if err != nil {
		log.Fatalf("own binary: %v", err)
	}
	b := record.NewBroadcaster()
	b.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: client.CoreV1().Events("")})
	return &agent{o: o, client: client, dyn: dynamic.NewForConfigOrDie(cfg), net: n, self: self, broadcast: b,
		events: b.NewRecorder(scheme.Scheme, v1.EventSource{Component: "kubelet"}),
		nodes:  map[string]*simNode{}, pods: map[types.UID]*podWorker{}, lastIP: map[string]uint32{}}
}

func (a *agent) run(ctx context.Context) {
	for _, d := range []string{"pods", "nodes", "pvc", "run"} {
		os.MkdirAll(filepath.Join(a.o.stateDir, d), 0o755)
	}
	f := informers.NewSharedInformerFactory(a.client, 0)
	nodes := f.Core().V1().Nodes().Informer()
	nodes.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { a.nodeChanged(o.(*v1.Node)) },
		UpdateFunc: func(_, o any) { a.nodeChanged(o.(*v1.Node)) },
		DeleteFunc: func(o any) {
			if n, ok := o.(*v1.Node); ok {
				a.nodeGone(n.Name)
			} else if t, ok := o.(cache.DeletedFinalStateUnknown); ok {
				a.nodeGone(t.Key)
			}
		},
	})
	pods := f.Core().V1().Pods().Informer()
	pods.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { a.podChanged(o.(*v1.Pod)) },
		UpdateFunc: func(_, o any) { a.podChanged(o.(*v1.Pod)) },
		DeleteFunc: func(o any) {
			if p, ok := o.(*v1.Pod); ok {
				a.podGone(p.UID)
			} else if t, ok := o.(cache.DeletedFinalStateUnknown); ok {
				if p, ok := t.Obj.(*v1.Pod); ok {
					a.podGone(p.UID)
				}
			}
		},
	})
	// Nodes first: a pod's worker needs its node's network.
	go nodes.Run(ctx.Done())
	cache.WaitForCacheSync(ctx.Done(), nodes.HasSynced)
	go pods.Run(ctx.Done())
	cache.WaitForCacheSync(ctx.Done(), pods.HasSynced)
	os.WriteFile(filepath.Join(a.o.stateDir, "ready"), []byte(time.Now().Format(time.RFC3339)), 0o644)
	log.Printf("running the pods of the simulated nodes")
	<-ctx.Done()
}

func internalIP(n *v1.Node) net.IP {
	for _, addr := range n.Status.Addresses {
		if addr.Type == v1.NodeInternalIP {
			return net.ParseIP(addr.Address).To4()
		}
	}
	return nil
}

func (a *agent) nodeChanged(n *v1.Node) {
	// The client machine (kube-proxy's node, tainted: no pods) has the client namespace already.
	if n.Annotations[fakeNodeAnnotation] != "fake" || n.Labels["type"] == "client" {
		return
	}
	a.mu.Lock()
	sn := a.nodes[n.Name]
	a.mu.Unlock()
	if sn == nil {
		addr := internalIP(n)
		if addr == nil {
			log.Printf("node %s: no InternalIP yet", n.Name)
			return
		}
		ns, err := a.net.nodeNamespace(n.Name, addr)
		if err != nil {
			log.Printf("node %s: %v", n.Name, err)
			return
		}
		sn = &simNode{name: n.Name, ns: ns, ip: addr}
		os.MkdirAll(filepath.Join(a.o.stateDir, "nodes", n.Name), 0o755)
		log.Printf("node %s: %s in namespace %s", n.Name, addr, ns)
	}
	if cut := n.Annotations[partitionAnnotation] == "true"; cut != sn.partitioned {
		sn.partitioned = cut
		a.setNodeLinks(sn, !cut)
	}
	if n.Spec.PodCIDR != "" && sn.podCIDR == nil {
		if _, c, err := net.ParseCIDR(n.Spec.PodCIDR); err == nil {
			sn.podCIDR = c
		}
	}
	a.mu.Lock()
	a.nodes[n.Name] = sn
	waiting := a.workersOn(n.Name)
	a.mu.Unlock()
	for _, w := range waiting {
		w.nudge()
	}
}

// setNodeLinks takes a node's link (and its pods' own links) down or up.
func (a *agent) setNodeLinks(n *simNode, up bool) {
	state := "down"
	if up {
		state = "up"
	}
	links := []string{a.net.prefix() + "n" + shortHash(n.name)}
	a.mu.Lock()
	for _, w := range a.workersOn(n.name) {
		w.mu.Lock()
		if w.ownNetns {
			_, hostIf := a.net.podLinks(string(w.uid))
			links = append(links, hostIf)
		}
		w.mu.Unlock()
	}
	a.mu.Unlock()
	for _, l := range links {
		if out, err := ip("link", "set", l, state); err != nil {
			log.Printf("node %s: link %s %s: %s", n.name, l, state, out)
		}
	}
	log.Printf("node %s: network %s", n.name, map[bool]string{true: "restored", false: "cut off (partitioned)"}[up])
}

func (a *agent) workersOn(node string) []*podWorker {
	var out []*podWorker
	for _, w := range a.pods {
		if w.nodeName == node {
			out = append(out, w)
		}
	}
	return out
}

func (a *agent) node(name string) *simNode {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.nodes[name]
}

// nodeGone: the machine is off. Its pods' processes die at once; the pods stay until the pod garbage collector
// removes them, as they would with a real node.
func (a *agent) nodeGone(name string) {
	a.mu.Lock()
	sn := a.nodes[name]
	delete(a.nodes, name)
	on := a.workersOn(name)
	a.mu.Unlock()
	if sn == nil {
		return
	}
	log.Printf("node %s is gone: its %d pod(s) stop with it", name, len(on))
	for _, w := range on {
		w.powerOff()
	}
	a.net.removeNamespace(sn.ns)
}

func (a *agent) podChanged(p *v1.Pod) {
	if p.Spec.NodeName == "" {
		return
	}
	a.mu.Lock()
	w := a.pods[p.UID]
	known := a.nodes[p.Spec.NodeName] != nil
	a.mu.Unlock()
	if w == nil {
		if p.Status.Phase == v1.PodSucceeded || p.Status.Phase == v1.PodFailed || (!known && !a.fakeNodeName(p.Spec.NodeName)) {
			return
		}
		a.mu.Lock()
		if w = a.pods[p.UID]; w != nil {
			a.mu.Unlock()
			w.update(p)
			return
		}
		w = newPodWorker(a, p)
		a.pods[p.UID] = w
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			w.run()
			a.mu.Lock()
			delete(a.pods, p.UID)
			a.mu.Unlock()
		}()
		a.mu.Unlock()
	}
	w.update(p)
}

// fakeNodeName: a node the agent has not set up yet (its InternalIP is still missing) but that is simulated.
func (a *agent) fakeNodeName(name string) bool {
	n, err := a.client.CoreV1().Nodes().Get(context.Background(), name, metaGet)
	return err == nil && n.Annotations[fakeNodeAnnotation] == "fake"
}

func (a *agent) podGone(uid types.UID) {
	a.mu.Lock()
	w := a.pods[uid]
	a.mu.Unlock()
	if w != nil {
		w.removed()
	}
}

// usedIPs: the pod IPs in use on a node (the agent's own pods).
func (a *agent) usedIPs(node string) map[string]bool {
	a.mu.Lock()
	on := a.workersOn(node)
	a.mu.Unlock()
	used := map[string]bool{}
	for _, w := range on {
		if ip := w.podIP(); ip != "" {
			used[ip] = true
		}
	}
	return used
}

// knobs: the stand-in settings of the pod's DeepSeekDeployment (annotations standin.deepseek-operator.io/*), as
// environment variables DS_STANDIN_*.
func (a *agent) knobs(p *v1.Pod) map[string]string {
	name := p.Labels[deploymentLabel]
	if name == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d, err := a.dyn.Resource(dsdResource).Namespace(p.Namespace).Get(ctx, name, metaGet)
	if err != nil {
		return nil
	}
	out := map[string]string{}
	for k, v := range d.GetAnnotations() {
		if knob, ok := cutPrefix(k, knobPrefix); ok {
			out["DS_STANDIN_"+envName(knob)] = v
		}
	}
	return out
}

func (a *agent) shutdown() {
	a.mu.Lock()
	var all []*podWorker
	for _, w := range a.pods {
		all = append(all, w)
	}
	a.mu.Unlock()
	for _, w := range all {
		w.powerOff()
	}
	done := make(chan struct{})
	go func() {
		a.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
	}
	a.broadcast.Shutdown()
}

func (a *agent) eventf(p *v1.Pod, warning bool, reason, format string, args ...any) {
	t := v1.EventTypeNormal
	if warning {
		t = v1.EventTypeWarning
	}
	a.events.Eventf(p, t, reason, format, args...)
}

func podDirName(p *v1.Pod) string {
	return fmt.Sprintf("%s_%s_%s", p.Namespace, p.Name, p.UID)
}
