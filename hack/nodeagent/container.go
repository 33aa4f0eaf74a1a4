package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// container is one container of a pod: its processes over time (one instance per start), its probes and its status.
type container struct {
	w    *podWorker
	spec v1.Container
	init bool
	idle bool // not run: reported running and ready

	mu       sync.Mutex
	state    v1.ContainerState
	last     *v1.ContainerStateTerminated
	restarts int32
	started  bool
	ready    bool
	inst     *instance
	starting bool // between deciding to start and having the instance: stop() waits for it
	stopping bool
	backoff  time.Duration
	wakeup   chan struct{}
}

// instance is one start of a container: a process group in the pod's namespaces.
type instance struct {
	cmd       *exec.Cmd
	pid       int
	env       []string
	startedAt time.Time
	done      chan struct{}
	exitCode  int32
	ctx       context.Context
	cancel    context.CancelFunc
	killedFor string
}

func newContainer(w *podWorker, spec v1.Container, init bool) *container {
	return &container{w: w, spec: spec, init: init, wakeup: make(chan struct{}, 1),
		state: v1.ContainerState{Waiting: &v1.ContainerStateWaiting{Reason: waitingReason(init)}}}
}

func waitingReason(init bool) string {
	if init {
		return "PodInitializing"
	}
	return "ContainerCreating"
}

func idleContainer(w *podWorker, spec v1.Container) *container {
	c := newContainer(w, spec, false)
	c.idle, c.started, c.ready = true, true, true
	c.state = v1.ContainerState{Running: &v1.ContainerStateRunning{StartedAt: metav1.Now()}}
	return c
}

func (c *container) isReady() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ready
}

func (c *container) isStopping() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stopping
}

func (c *container) lastExit() *v1.ContainerStateTerminated {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state.Terminated != nil {
		return c.state.Terminated
	}
	return c.last
}

func (c *container) status() v1.ContainerStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	started := c.started
	s := v1.ContainerStatus{Name: c.spec.Name, Image: c.spec.Image, ImageID: "standin://" + c.spec.Image,
		Ready: c.ready, Started: &started, RestartCount: c.restarts, State: c.state}
	if c.inst != nil || c.state.Terminated != nil {
		s.ContainerID = fmt.Sprintf("standin://%s-%s-%d", c.w.uid, c.spec.Name, c.restarts)
	}
	if c.last != nil {
		s.LastTerminationState = v1.ContainerState{Terminated: c.last}
	}
	return s
}

func (c *container) set(f func()) {
	c.mu.Lock()
	f()
	c.mu.Unlock()
	c.w.markDirty()
}

// sleep waits, unless the container is stopped first; it says whether the whole time passed.
func (c *container) sleep(d time.Duration) bool {
	if d <= 0 {
		return !c.isStopping()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return !c.isStopping()
	case <-c.wakeup:
		return false
	}
}

// runToCompletion runs an init container until it exits 0 (restarted with back-off as the pod's restart policy says).
func (c *container) runToCompletion() bool {
	for {
		inst, ok := c.startOrWait()
		if !ok {
			return false
		}
		<-inst.done
		if c.isStopping() {
			return false
		}
		if inst.exitCode == 0 {
			return true
		}
		if c.w.current().Spec.RestartPolicy == v1.RestartPolicyNever || !c.restartAfterBackoff(inst) {
			return false
		}
	}
}

// keepRunning runs a main container for the pod's life, restarting it as the restart policy says.
func (c *container) keepRunning() {
	for {
		inst, ok := c.startOrWait()
		if !ok {
			return
		}
		go c.probe(inst)
		<-inst.done
		if c.isStopping() {
			return
		}
		policy := c.w.current().Spec.RestartPolicy
		if policy == v1.RestartPolicyNever || (policy == v1.RestartPolicyOnFailure && inst.exitCode == 0) {
			return
		}
		if !c.restartAfterBackoff(inst) {
			return
		}
	}
}

// startOrWait starts an instance; a container that cannot be configured (a missing Secret, say) waits and tries again.
func (c *container) startOrWait() (*instance, bool) {
	for delay := time.Second; ; delay = min(2*delay, 30*time.Second) {
		if c.isStopping() {
			return nil, false
		}
		inst, err := c.start()
		if err == nil {
			return inst, true
		}
		if errors.Is(err, errStopping) {
			return nil, false
		}
		var cfgErr configError
		reason := "RunContainerError"
		if errors.As(err, &cfgErr) {
			reason = "CreateContainerConfigError"
		}
		c.set(func() {
			c.state = v1.ContainerState{Waiting: &v1.ContainerStateWaiting{Reason: reason, Message: err.Error()}}
		})
		c.w.a.eventf(c.w.current(), true, "Failed", "Error: %v", err)
		if !c.sleep(delay) {
			return nil, false
		}
	}
}

// restartAfterBackoff: the kubelet restarts a container at once the first time, then after 10 s, 20 s, ... 5 min; a
// container that ran long enough starts from the beginning again.
func (c *container) restartAfterBackoff(inst *instance) bool {
	pod := c.w.current().Name // before c.mu: the pod's lock is always taken first (status() holds it and asks us)
	c.mu.Lock()
	if time.Since(inst.startedAt) > 2*c.w.a.o.maxBackoff {
		c.backoff = 0
	}
	wait := c.backoff
	if c.backoff == 0 {
		c.backoff = c.w.a.o.backoff
	} else {
		c.backoff = min(2*c.backoff, c.w.a.o.maxBackoff)
	}
	c.restarts++
	c.last = c.state.Terminated
	reason := ""
	if wait > 0 {
		reason = "CrashLoopBackOff"
	}
	c.state = v1.ContainerState{Waiting: &v1.ContainerStateWaiting{Reason: reason,
		Message: fmt.Sprintf("back-off %s restarting failed container=%s pod=%s", wait, c.spec.Name, pod)}}
	c.mu.Unlock()
	c.w.markDirty()
	if wait > 0 {
		c.w.a.eventf(c.w.current(), true, "BackOff", "Back-off restarting failed container %s in pod %s", c.spec.Name, pod)
	}
	return c.sleep(wait)
}

type configError struct{ error }

var errStopping = errors.New("the container is being stopped")

// start runs one instance: ip netns exec <the pod's namespace> nodeagent sandbox <spec>, in a process group of its own.
// The sandbox closes a pipe when it execs the container's command, or writes why it could not.
func (c *container) start() (*instance, error) {
	c.mu.Lock()
	if c.stopping {
		c.mu.Unlock()
		return nil, errStopping
	}
	c.starting = true
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.starting = false
		c.mu.Unlock()
	}()
	p := c.w.current()
	env, err := c.w.a.environment(p, c.spec, c.w)
	if err != nil {
		return nil, configError{err}
	}
	argv := expandAll(append(append([]string{}, c.spec.Command...), c.spec.Args...), env)
	if len(c.spec.Command) == 0 {
		return nil, fmt.Errorf("container %s has no command: a simulated node has no image entrypoints", c.spec.Name)
	}
	mounts, err := c.w.a.mounts(p, c.spec, c.w)
	if err != nil {
		return nil, configError{err}
	}
	c.mu.Lock()
	restarts := c.restarts
	c.mu.Unlock()
	runDir := filepath.Join(c.w.dir, "run")
	logDir := filepath.Join(c.w.dir, c.spec.Name)
	os.MkdirAll(runDir, 0o755)
	os.MkdirAll(logDir, 0o755)
	spec := sandboxSpec{Argv: argv, Env: envList(env), WorkDir: c.spec.WorkingDir, Mounts: mounts,
		Standins: c.w.a.o.standins, Scratch: filepath.Join(c.w.a.o.stateDir, "run"),
		Hostname: p.Name, Hosts: hostsFile(p, c.w.podIP())}
	if p.Spec.HostNetwork {
		spec.Hostname = p.Spec.NodeName
	}
	specFile := filepath.Join(runDir, fmt.Sprintf("%s-%d.json", c.spec.Name, restarts))
	data, _ := json.Marshal(spec)
	if err := os.WriteFile(specFile, data, 0o600); err != nil {
		return nil, err
	}
	logFile, err := os.OpenFile(filepath.Join(logDir, fmt.Sprintf("%d.log", restarts)), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("ip", "netns", "exec", c.w.netns, c.w.a.self, "sandbox", specFile)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.ExtraFiles = []*os.File{pw}
	cmd.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		pw.Close()
		pr.Close()
		return nil, err
	}
	pw.Close()
	msg, _ := io.ReadAll(io.LimitReader(pr, 4096))
	pr.Close()
	ctx, cancel := context.WithCancel(context.Background())
	inst := &instance{cmd: cmd, pid: cmd.Process.Pid, env: envList(env), startedAt: time.Now(), done: make(chan struct{}),
		ctx: ctx, cancel: cancel}
	os.WriteFile(filepath.Join(c.w.dir, c.spec.Name+".pid"), []byte(strconv.Itoa(inst.pid)), 0o644)
	go c.wait(inst)
	c.mu.Lock()
	stopping := c.stopping
	c.mu.Unlock()
	if stopping {
		// Stopped while it started: it never runs.
		syscall.Kill(-inst.pid, syscall.SIGKILL)
		<-inst.done
		return inst, nil
	}
	if len(msg) > 0 {
		<-inst.done
		c.set(func() {
			c.state.Terminated.Reason, c.state.Terminated.Message = "StartError", string(msg)
		})
		c.w.a.eventf(p, true, "Failed", "Error: failed to start container %q: %s", c.spec.Name, msg)
		return inst, nil
	}
	c.set(func() {
		c.inst = inst
		c.started, c.ready = false, false
		c.state = v1.ContainerState{Running: &v1.ContainerStateRunning{StartedAt: metav1.NewTime(inst.startedAt)}}
	})
	c.w.a.eventf(p, false, "Started", "Started container %s", c.spec.Name)
	return inst, nil
}

func (c *container) wait(inst *instance) {
	err := inst.cmd.Wait()
	inst.exitCode = exitCode(inst.cmd, err)
	// What the container left behind goes with it (a real runtime kills the container's cgroup).
	syscall.Kill(-inst.pid, syscall.SIGKILL)
	inst.cancel()
	finished := time.Now()
	reason := "Completed"
	if inst.exitCode != 0 {
		reason = "Error"
	}
	c.set(func() {
		c.inst = nil
		c.ready = false
		if c.init {
			c.started = false
		}
		c.state = v1.ContainerState{Terminated: &v1.ContainerStateTerminated{ExitCode: inst.exitCode, Reason: reason,
			StartedAt: metav1.NewTime(inst.startedAt), FinishedAt: metav1.NewTime(finished),
			ContainerID: fmt.Sprintf("standin://%s-%s-%d", c.w.uid, c.spec.Name, c.restarts)}}
	})
	if inst.killedFor == "" && !c.isStopping() {
		log.Printf("pod %s/%s: container %s exited with %d", c.w.current().Namespace, c.w.current().Name, c.spec.Name, inst.exitCode)
	}
	close(inst.done)
}

func exitCode(cmd *exec.Cmd, err error) int32 {
	if err == nil {
		return 0
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok {
		if ws.Signaled() {
			return int32(128 + int(ws.Signal()))
		}
		return int32(ws.ExitStatus())
	}
	return 128
}

// kill stops an instance: SIGTERM to its process group, SIGKILL at the deadline.
func (c *container) kill(inst *instance, deadline time.Time) {
	syscall.Kill(-inst.pid, syscall.SIGTERM)
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case <-inst.done:
	case <-t.C:
		syscall.Kill(-inst.pid, syscall.SIGKILL)
		<-inst.done
	}
}

// stop ends the container for good: the preStop hook (if graceful), then SIGTERM, then SIGKILL at the deadline.
func (c *container) stop(deadline time.Time, graceful bool) {
	c.mu.Lock()
	c.stopping = true
	c.mu.Unlock()
	// A start under way finishes first (and sees stopping), so no instance appears after this.
	for {
		c.mu.Lock()
		starting := c.starting
		c.mu.Unlock()
		if !starting {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	c.mu.Lock()
	inst := c.inst
	idle := c.idle
	c.mu.Unlock()
	select {
	case c.wakeup <- struct{}{}:
	default:
	}
	if idle {
		c.set(func() {
			c.ready = false
			c.state = v1.ContainerState{Terminated: &v1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed",
				StartedAt: c.state.Running.StartedAt, FinishedAt: metav1.Now()}}
		})
		return
	}
	if inst == nil {
		return
	}
	if graceful && c.spec.Lifecycle != nil && c.spec.Lifecycle.PreStop != nil {
		ctx, cancel := context.WithDeadline(context.Background(), deadline)
		if ok, out := c.w.a.handler(ctx, c.w, inst, c.spec.Lifecycle.PreStop); !ok {
			c.w.a.eventf(c.w.current(), true, "FailedPreStopHook", "PreStopHook failed: %s", out)
		}
		cancel()
	}
	if !graceful {
		deadline = time.Now()
	}
	c.kill(inst, deadline)
}
