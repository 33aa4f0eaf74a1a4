package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// probe runs an instance's probes as the kubelet does: the startup probe first (the others wait for it; failing it
// failureThreshold times in a row restarts the container), then readiness (run at once, then every period) and
// liveness (every period; failing it restarts the container).
func (c *container) probe(inst *instance) {
	p := c.w.current()
	if sp := c.spec.StartupProbe; sp != nil {
		ok := c.every(inst, sp, 0, c.restartAfter(inst, sp, "startup", true))
		if !ok || inst.killedFor != "" {
			return
		}
	}
	c.set(func() {
		c.started = true
		if c.spec.ReadinessProbe == nil {
			c.ready = true
		}
	})
	if rp := c.spec.ReadinessProbe; rp != nil {
		go func() {
			successes, failures := 0, 0
			c.every(inst, rp, 0, func(success bool, out string) bool {
				if success {
					successes, failures = successes+1, 0
					if successes >= int(threshold(rp.SuccessThreshold, 1)) {
						c.set(func() { c.ready = true })
					}
				} else {
					successes, failures = 0, failures+1
					if failures >= int(threshold(rp.FailureThreshold, 3)) {
						if c.isReady() {
							c.w.a.eventf(p, true, "Unhealthy", "Readiness probe failed: %s", out)
						}
						c.set(func() { c.ready = false })
					}
				}
				return true
			})
		}()
	}
	if lp := c.spec.LivenessProbe; lp != nil {
		c.every(inst, lp, period(lp), c.restartAfter(inst, lp, "liveness", false))
	}
}

// restartAfter judges the results of a startup or liveness probe: failureThreshold failures in a row kill the
// instance (its container restarts). A startup probe stops at its first success; a liveness probe goes on.
func (c *container) restartAfter(inst *instance, pr *v1.Probe, kind string, stopOnSuccess bool) func(bool, string) bool {
	p := c.w.current()
	failures := 0
	return func(success bool, out string) bool {
		if success {
			failures = 0
			return !stopOnSuccess
		}
		failures++
		c.w.a.eventf(p, true, "Unhealthy", "%s probe failed: %s", strings.ToUpper(kind[:1])+kind[1:], out)
		if failures >= int(threshold(pr.FailureThreshold, 3)) {
			c.w.a.eventf(p, false, "Killing", "Container %s failed %s probe, will be restarted", c.spec.Name, kind)
			inst.killedFor = kind + " probe"
			go c.kill(inst, time.Now().Add(c.killGrace(pr)))
			return false
		}
		return true
	}
}

func threshold(v int32, def int32) int32 {
	if v <= 0 {
		return def
	}
	return v
}

func period(p *v1.Probe) time.Duration {
	return time.Duration(threshold(p.PeriodSeconds, 10)) * time.Second
}

func (c *container) killGrace(p *v1.Probe) time.Duration {
	if p.TerminationGracePeriodSeconds != nil {
		return time.Duration(*p.TerminationGracePeriodSeconds) * time.Second
	}
	if g := c.w.current().Spec.TerminationGracePeriodSeconds; g != nil {
		return time.Duration(*g) * time.Second
	}
	return 30 * time.Second
}

// every runs the probe after its initial delay (counted from the container's start) and then every period, after a
// first wait of `first`, until the instance ends or onResult says stop. It returns false if the instance ended.
func (c *container) every(inst *instance, p *v1.Probe, first time.Duration, onResult func(bool, string) bool) bool {
	delay := time.Until(inst.startedAt.Add(time.Duration(p.InitialDelaySeconds) * time.Second))
	wait := max(first, delay)
	for {
		t := time.NewTimer(wait)
		select {
		case <-inst.ctx.Done():
			t.Stop()
			return false
		case <-t.C:
		}
		success, out := c.w.a.check(inst.ctx, c.w, inst, c.spec, p)
		if inst.ctx.Err() != nil {
			return false
		}
		if !onResult(success, out) {
			return true
		}
		wait = period(p)
	}
}

// check runs one probe with its timeout: HTTP GET (200-399 is success), TCP connect, or a command in the container.
func (a *agent) check(ctx context.Context, w *podWorker, inst *instance, spec v1.Container, p *v1.Probe) (bool, string) {
	timeout := time.Duration(threshold(p.TimeoutSeconds, 1)) * time.Second
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	switch {
	case p.HTTPGet != nil:
		return a.httpGet(ctx, w, spec, p.HTTPGet)
	case p.TCPSocket != nil:
		port, err := resolvePort(p.TCPSocket.Port, spec)
		if err != nil {
			return false, err.Error()
		}
		host := p.TCPSocket.Host
		if host == "" {
			host = w.podIP()
		}
		conn, err := dialFrom(ctx, w.nodeNetns(), net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			return false, err.Error()
		}
		conn.Close()
		return true, ""
	case p.Exec != nil:
		return a.exec(ctx, inst, p.Exec.Command)
	}
	return false, "probe type not simulated (gRPC)"
}

// handler runs a lifecycle hook (preStop): a command in the container, an HTTP GET, or a sleep.
func (a *agent) handler(ctx context.Context, w *podWorker, inst *instance, h *v1.LifecycleHandler) (bool, string) {
	switch {
	case h.Exec != nil:
		return a.exec(ctx, inst, h.Exec.Command)
	case h.HTTPGet != nil:
		return a.httpGet(ctx, w, v1.Container{}, h.HTTPGet)
	case h.Sleep != nil:
		select {
		case <-time.After(time.Duration(h.Sleep.Seconds) * time.Second):
		case <-ctx.Done():
		}
		return true, ""
	}
	return true, ""
}

// probeClient makes HTTP probes from the node's own namespace, as its kubelet would: a node cut off from the network
// still probes its own host-network pods.
func probeClient(nodeNetns string) *http.Client {
	return &http.Client{
		Transport: &http.Transport{DisableKeepAlives: true, TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
			DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) { return dialFrom(ctx, nodeNetns, addr) }},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func (a *agent) httpGet(ctx context.Context, w *podWorker, spec v1.Container, g *v1.HTTPGetAction) (bool, string) {
	port, err := resolvePort(g.Port, spec)
	if err != nil {
		return false, err.Error()
	}
	host := g.Host
	if host == "" {
		host = w.podIP()
	}
	scheme := "http"
	if g.Scheme == v1.URISchemeHTTPS {
		scheme = "https"
	}
	path := g.Path
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	url := fmt.Sprintf("%s://%s%s", scheme, net.JoinHostPort(host, strconv.Itoa(port)), path)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.Header.Set("User-Agent", "kube-probe/1.34")
	for _, h := range g.HTTPHeaders {
		req.Header.Set(h.Name, h.Value)
	}
	resp, err := probeClient(w.nodeNetns()).Do(req)
	if err != nil {
		return false, err.Error()
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 10240))
	if resp.StatusCode >= 200 && resp.StatusCode < 400 {
		return true, ""
	}
	return false, fmt.Sprintf("HTTP probe failed with statuscode: %d", resp.StatusCode)
}

// exec runs a command in the container's namespaces and root, with its environment, killed at the context's end.
func (a *agent) exec(ctx context.Context, inst *instance, command []string) (bool, string) {
	if len(command) == 0 {
		return false, "no command"
	}
	args := append([]string{"-t", strconv.Itoa(inst.pid), "-m", "-n", "-u", "-r", "-w", "--"}, command...)
	cmd := exec.Command("nsenter", args...)
	cmd.Env = inst.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return false, err.Error()
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return false, strings.TrimSpace(fmt.Sprintf("%v %s", err, out.String()))
		}
		return true, ""
	case <-ctx.Done():
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		return false, "command timed out"
	}
}

func resolvePort(port intstr.IntOrString, spec v1.Container) (int, error) {
	if port.Type == intstr.Int {
		return port.IntValue(), nil
	}
	for _, p := range spec.Ports {
		if p.Name == port.StrVal {
			return int(p.ContainerPort), nil
		}
	}
	if n, err := strconv.Atoi(port.StrVal); err == nil {
		return n, nil
	}
	return 0, fmt.Errorf("port %q not found in the container's ports", port.StrVal)
}
