package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"time"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

var metaGet = metav1.GetOptions{}

// podWorker is one pod's life on its node: sandbox, init containers, containers, status, termination.
type podWorker struct {
	a        *agent
	uid      types.UID
	nodeName string
	dir      string

	mu         sync.Mutex
	pod        *v1.Pod
	wake       chan struct{}
	deleting   bool
	gone       bool // the pod object is gone
	off        bool // the node is off: everything stops, nothing is reported
	ip         string
	hostIPAddr string
	nodeNS     string
	netns      string
	ownNetns   bool
	startTime  metav1.Time
	sandboxUp  bool
	inits      []*container
	main       []*container
	initsDone  bool
	conditions map[v1.PodConditionType]v1.PodCondition
	written    *v1.PodStatus
	dirty      chan struct{}
	stopped    chan struct{}
	terminal   v1.PodPhase
}

func newPodWorker(a *agent, p *v1.Pod) *podWorker {
	return &podWorker{a: a, uid: p.UID, nodeName: p.Spec.NodeName, pod: p,
		dir:  filepath.Join(a.o.stateDir, "pods", podDirName(p)),
		wake: make(chan struct{}, 1), dirty: make(chan struct{}, 1), stopped: make(chan struct{}),
		conditions: map[v1.PodConditionType]v1.PodCondition{}}
}

func (w *podWorker) update(p *v1.Pod) {
	w.mu.Lock()
	w.pod = p
	if p.DeletionTimestamp != nil {
		w.deleting = true
	}
	w.mu.Unlock()
	w.nudge()
}

func (w *podWorker) nudge() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *podWorker) removed() {
	w.mu.Lock()
	w.gone, w.deleting = true, true
	w.mu.Unlock()
	w.nudge()
}

func (w *podWorker) powerOff() {
	w.mu.Lock()
	w.off, w.deleting = true, true
	w.mu.Unlock()
	w.nudge()
}

func (w *podWorker) current() *v1.Pod {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.pod
}

func (w *podWorker) podIP() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ip
}

func (w *podWorker) nodeNetns() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.nodeNS
}

func (w *podWorker) isDeleting() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.deleting
}

func (w *podWorker) managed() bool {
	return w.current().Labels[managedByLabel] == managedByOperator
}

// run is the pod's life: set up, start, wait for deletion, stop.
func (w *podWorker) run() {
	go w.statusLoop()
	defer close(w.stopped)
	if !w.setUp() {
		w.finish()
		return
	}
	p := w.current()
	if !w.managed() {
		// Not the operator's: reported running and ready, as kwok reports pods, with nothing run.
		for _, c := range p.Spec.Containers {
			w.main = append(w.main, idleContainer(w, c))
		}
		w.initsDone = true
		w.markDirty()
		w.waitForDeletion()
		w.finish()
		return
	}
	for _, c := range p.Spec.InitContainers {
		w.inits = append(w.inits, newContainer(w, c, true))
	}
	for _, c := range p.Spec.Containers {
		w.main = append(w.main, newContainer(w, c, false))
	}
	w.markDirty()
	for _, c := range w.inits {
		if !c.runToCompletion() {
			w.finish()
			return
		}
	}
	w.mu.Lock()
	w.initsDone = true
	w.mu.Unlock()
	w.markDirty()
	for _, c := range w.main {
		go c.keepRunning()
	}
	w.waitForDeletion()
	w.finish()
}

func (w *podWorker) waitForDeletion() {
	for !w.isDeleting() {
		<-w.wake
	}
}

// setUp gives the pod its IP and namespace; it waits for the node's network and pod range.
func (w *podWorker) setUp() bool {
	for {
		if w.isDeleting() {
			return false
		}
		p := w.current()
		node := w.a.node(w.nodeName)
		if node != nil && (p.Spec.HostNetwork || node.podCIDR != nil) {
			if err := w.setUpNetwork(p, node); err != nil {
				log.Printf("pod %s/%s: %v", p.Namespace, p.Name, err)
				w.a.eventf(p, true, "FailedCreatePodSandBox", "Failed to create pod sandbox: %v", err)
				time.Sleep(5 * time.Second)
				continue
			}
			break
		}
		select {
		case <-w.wake:
		case <-time.After(2 * time.Second):
		}
	}
	os.MkdirAll(w.dir, 0o755)
	w.mu.Lock()
	w.startTime = metav1.Now()
	if p := w.pod; p.Status.StartTime != nil {
		w.startTime = *p.Status.StartTime
	}
	w.sandboxUp = true
	w.mu.Unlock()
	w.markDirty()
	return true
}

func (w *podWorker) setUpNetwork(p *v1.Pod, node *simNode) error {
	w.mu.Lock()
	w.hostIPAddr, w.nodeNS = node.ip.String(), node.ns
	w.mu.Unlock()
	if p.Spec.HostNetwork {
		w.mu.Lock()
		w.ip, w.netns = node.ip.String(), node.ns
		w.mu.Unlock()
		return nil
	}
	w.a.allocMu.Lock()
	addr := net.ParseIP(p.Status.PodIP).To4()
	if addr == nil || !node.podCIDR.Contains(addr) {
		var i uint32
		addr, i = nextFree(node.podCIDR, w.a.usedIPs(node.name), w.a.lastIP[node.name])
		if addr == nil {
			w.a.allocMu.Unlock()
			return fmt.Errorf("no free IP in %s on node %s", node.podCIDR, node.name)
		}
		w.a.lastIP[node.name] = i
	}
	// Reserve it before the namespace exists, so two pods never get one address.
	w.mu.Lock()
	w.ip = addr.String()
	w.mu.Unlock()
	w.a.allocMu.Unlock()
	ns, err := w.a.net.podNamespace(string(w.uid), addr)
	if err != nil {
		return err
	}
	log.Printf("pod %s/%s: IP %s on node %s", p.Namespace, p.Name, addr, node.name)
	w.mu.Lock()
	w.netns, w.ownNetns = ns, true
	w.mu.Unlock()
	return nil
}

// finish stops every container (with the grace period, unless the node is off), reports it, frees the network and
// removes the pod object, as the kubelet does once a deleted pod's containers are gone.
func (w *podWorker) finish() {
	w.mu.Lock()
	off, gone := w.off, w.gone
	w.mu.Unlock()
	p := w.current()
	grace := 30 * time.Second
	if p.DeletionGracePeriodSeconds != nil {
		grace = time.Duration(*p.DeletionGracePeriodSeconds) * time.Second
	}
	deadline := time.Now().Add(grace)
	if off || gone {
		deadline = time.Now()
	}
	var wg sync.WaitGroup
	for _, c := range append(append([]*container{}, w.inits...), w.main...) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.stop(deadline, !off && !gone)
		}()
	}
	wg.Wait()
	w.mu.Lock()
	if w.ownNetns {
		w.a.net.removePodNamespace(string(w.uid))
		w.ownNetns = false
	}
	w.mu.Unlock()
	if off || gone {
		return
	}
	w.mu.Lock()
	w.terminal = v1.PodSucceeded
	for _, c := range w.main {
		if t := c.lastExit(); t != nil && t.ExitCode != 0 {
			w.terminal = v1.PodFailed
		}
	}
	w.mu.Unlock()
	w.writeStatus()
	zero := int64(0)
	err := w.a.client.CoreV1().Pods(p.Namespace).Delete(context.Background(), p.Name,
		metav1.DeleteOptions{GracePeriodSeconds: &zero, Preconditions: &metav1.Preconditions{UID: &p.UID}})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		log.Printf("pod %s/%s: delete: %v", p.Namespace, p.Name, err)
	}
	os.RemoveAll(filepath.Join(w.dir, "run"))
}

func (w *podWorker) markDirty() {
	select {
	case w.dirty <- struct{}{}:
	default:
	}
}

// statusLoop writes the pod's status whenever it changed, at most every 50 ms.
func (w *podWorker) statusLoop() {
	for {
		select {
		case <-w.dirty:
		case <-w.stopped:
			return
		}
		w.writeStatus()
		time.Sleep(50 * time.Millisecond)
	}
}

func (w *podWorker) writeStatus() {
	w.mu.Lock()
	if w.off || w.gone || !w.sandboxUp {
		w.mu.Unlock()
		return
	}
	status := w.status()
	same := w.written != nil && reflect.DeepEqual(*w.written, status)
	p := w.pod
	w.mu.Unlock()
	if same {
		return
	}
	// The pod's UID rides along as a precondition, as the kubelet's status patch does: a pod deleted and recreated
	// under the same name (a StatefulSet's) must not get the old one's status, IP and restarts. The API server refuses
	// the patch then (metadata.uid is immutable).
	body, _ := json.Marshal(map[string]any{"metadata": map[string]any{"uid": p.UID}, "status": status})
	for attempt := 0; attempt < 5; attempt++ {
		_, err := w.a.client.CoreV1().Pods(p.Namespace).Patch(context.Background(), p.Name, types.MergePatchType, body,
			metav1.PatchOptions{}, "status")
		if err == nil {
			w.mu.Lock()
			w.written = &status
			w.mu.Unlock()
			return
		}
		if apierrors.IsNotFound(err) {
			return
		}
		if apierrors.IsInvalid(err) || apierrors.IsConflict(err) {
			// Replaced by another pod of the same name: this worker's status is no longer anyone's.
			log.Printf("pod %s/%s (UID %s): status not written: %v", p.Namespace, p.Name, p.UID, err)
			return
		}
		log.Printf("pod %s/%s: status: %v", p.Namespace, p.Name, err)
		time.Sleep(200 * time.Millisecond)
	}
}

// status is the pod status the kubelet would report now. Called with w.mu held.
func (w *podWorker) status() v1.PodStatus {
	p := w.pod
	s := v1.PodStatus{QOSClass: p.Status.QOSClass, StartTime: &w.startTime, HostIP: w.hostIP()}
	if s.HostIP != "" {
		s.HostIPs = []v1.HostIP{{IP: s.HostIP}}
	}
	if w.ip != "" {
		s.PodIP = w.ip
		s.PodIPs = []v1.PodIP{{IP: w.ip}}
	}
	allReady := len(w.main) > 0
	anyRunning := false
	for _, c := range w.inits {
		s.InitContainerStatuses = append(s.InitContainerStatuses, c.status())
	}
	for _, c := range w.main {
		cs := c.status()
		s.ContainerStatuses = append(s.ContainerStatuses, cs)
		allReady = allReady && cs.Ready
		anyRunning = anyRunning || cs.State.Running != nil || cs.RestartCount > 0
	}
	if len(w.main) == 0 {
		for _, c := range p.Spec.Containers {
			s.ContainerStatuses = append(s.ContainerStatuses, v1.ContainerStatus{Name: c.Name, Image: c.Image,
				State: v1.ContainerState{Waiting: &v1.ContainerStateWaiting{Reason: "ContainerCreating"}}})
		}
		for _, c := range p.Spec.InitContainers {
			s.InitContainerStatuses = append(s.InitContainerStatuses, v1.ContainerStatus{Name: c.Name, Image: c.Image,
				State: v1.ContainerState{Waiting: &v1.ContainerStateWaiting{Reason: "PodInitializing"}}})
		}
	}
	switch {
	case w.terminal != "":
		s.Phase = w.terminal
	case w.initsDone && anyRunning:
		s.Phase = v1.PodRunning
	default:
		s.Phase = v1.PodPending
	}
	if w.deleting {
		allReady = false
	}
	w.setCondition(v1.PodReadyToStartContainers, w.sandboxUp && w.terminal == "", "")
	w.setCondition(v1.PodInitialized, w.initsDone, "ContainersNotInitialized")
	w.setCondition(v1.ContainersReady, allReady, "ContainersNotReady")
	w.setCondition(v1.PodReady, allReady, "ContainersNotReady")
	for _, c := range p.Status.Conditions {
		if c.Type == v1.PodScheduled {
			s.Conditions = append(s.Conditions, c)
		}
	}
	for _, t := range []v1.PodConditionType{v1.PodReadyToStartContainers, v1.PodInitialized, v1.ContainersReady, v1.PodReady} {
		s.Conditions = append(s.Conditions, w.conditions[t])
	}
	return s
}

func (w *podWorker) hostIP() string { return w.hostIPAddr }

// setCondition keeps lastTransitionTime while the status stays. Called with w.mu held.
func (w *podWorker) setCondition(t v1.PodConditionType, ok bool, reason string) {
	status := v1.ConditionFalse
	if ok {
		status, reason = v1.ConditionTrue, ""
	}
	old, had := w.conditions[t]
	if had && old.Status == status {
		return
	}
	c := v1.PodCondition{Type: t, Status: status, Reason: reason, LastTransitionTime: metav1.Now()}
	if !had {
		for _, pc := range w.pod.Status.Conditions {
			if pc.Type == t && pc.Status == status {
				c.LastTransitionTime = pc.LastTransitionTime
			}
		}
	}
	if reason != "" {
		var names []string
		for _, ct := range w.main {
			if !ct.isReady() {
				names = append(names, ct.spec.Name)
			}
		}
		if len(names) > 0 && t != v1.PodInitialized {
			c.Message = fmt.Sprintf("containers with unready status: [%s]", strings.Join(names, " "))
		}
	}
	w.conditions[t] = c
}
