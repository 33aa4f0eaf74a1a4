package main

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"log"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// network is the simulated cluster's network, all of it inside namespaces the agent makes:
//
//	host namespace:  bridge <prefix>br with the last address of the node range and of the pod range, so the host
//	                 (the operator, the agent's probes) reaches nodes and pods; an unreachable route for each range
//	                 (metric 4000) keeps their packets on this machine when the bridge is gone.
//	<prefix>-client: a client's machine: kube-proxy programs the Service addresses here; load generators run here.
//	<prefix>-n-NODE: one per simulated node, with the node's InternalIP; host-network pods run in it.
//	<prefix>-p-UID:  one per pod, with the pod's IP from its node's spec.podCIDR.
//
// Every namespace has one interface on the bridge and routes only for the node, pod and Service ranges: no default route,
// so a packet for any other address fails at once ("network is unreachable") instead of leaving the machine.
type network struct {
	o                       options
	bridge                  string
	nodeNet, podNet, svcNet *net.IPNet
	bridgeNodeIP, bridgePod net.IP
	clientNS                string
	clientIP                net.IP
	mu                      sync.Mutex
	forward                 net.Listener
}

func newNetwork(o options) (*network, error) {
	n := &network{o: o, bridge: o.prefix + "br", clientNS: o.prefix + "-client"}
	var err error
	for _, c := range []struct {
		s string
		p **net.IPNet
	}{{o.nodeCIDR, &n.nodeNet}, {o.podCIDR, &n.podNet}, {o.serviceCIDR, &n.svcNet}} {
		if _, *c.p, err = net.ParseCIDR(c.s); err != nil {
			return nil, fmt.Errorf("%q: %v", c.s, err)
		}
	}
	// A fresh agent owns nothing yet: what an earlier agent of this cluster left (killed before it could clean up) goes.
	removeNamespaces(o.prefix)
	ip("link", "del", n.bridge)
	if err := n.checkRanges(); err != nil {
		return nil, err
	}
	n.bridgeNodeIP = lastHost(n.nodeNet)
	n.bridgePod = lastHost(n.podNet)
	n.clientIP = nth(n.nodeNet, 255*256+1)
	for _, c := range []*net.IPNet{n.nodeNet, n.podNet, n.svcNet} {
		if out, err := ip("route", "add", "unreachable", c.String(), "metric", "4000"); err != nil && !strings.Contains(out, "File exists") {
			return nil, fmt.Errorf("guard route for %s: %s", c, out)
		}
	}
	if out, err := ip("link", "add", n.bridge, "type", "bridge"); err != nil && !strings.Contains(out, "File exists") {
		return nil, fmt.Errorf("bridge %s: %s", n.bridge, out)
	}
	for _, args := range [][]string{
		{"link", "set", n.bridge, "up"},
		{"addr", "replace", cidr(n.bridgeNodeIP, n.nodeNet), "dev", n.bridge},
		{"addr", "replace", cidr(n.bridgePod, n.podNet), "dev", n.bridge},
	} {
		if out, err := ip(args...); err != nil {
			return nil, fmt.Errorf("ip %s: %s", strings.Join(args, " "), out)
		}
	}
	if err := n.namespace(n.clientNS, n.prefix()+"c", n.clientIP, n.nodeNet, n.svcNet, n.podNet); err != nil {
		return nil, err
	}
	if o.apiserver != "" {
		if err := n.forwardAPIServer(); err != nil {
			return nil, err
		}
	}
	log.Printf("network: bridge %s (%s, %s), client namespace %s (%s)", n.bridge, cidr(n.bridgeNodeIP, n.nodeNet),
		cidr(n.bridgePod, n.podNet), n.clientNS, n.clientIP)
	return n, nil
}

func (n *network) prefix() string { return n.o.prefix }

// checkRanges refuses ranges that this machine already uses for something else: the simulation must never shadow, or
// send packets to, a real network.
func (n *network) checkRanges() error {
	out, err := ip("-4", "route", "show", "table", "all")
	if err != nil {
		return fmt.Errorf("ip route: %s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.Contains(line, "dev "+n.bridge+" ") || strings.HasSuffix(line, "dev "+n.bridge) ||
			f[0] == "unreachable" || f[0] == "local" || f[0] == "broadcast" {
			continue
		}
		dst := f[0]
		if dst == "default" {
			continue
		}
		if !strings.Contains(dst, "/") {
			dst += "/32"
		}
		_, r, err := net.ParseCIDR(dst)
		if err != nil {
			continue
		}
		for _, ours := range []*net.IPNet{n.nodeNet, n.podNet, n.svcNet} {
			if overlaps(r, ours) {
				return fmt.Errorf("this machine already routes %s (%q), which overlaps the simulated cluster's %s: choose other "+
					"ranges (DSO_NET_INDEX) so that the simulation never reaches a real network", r, line, ours)
			}
		}
	}
	return nil
}

func overlaps(a, b *net.IPNet) bool { return a.Contains(b.IP) || b.Contains(a.IP) }

// namespace makes (or finds) a network namespace with one interface on the bridge, an address and routes for the given
// ranges only.
func (n *network) namespace(name, hostIf string, addr net.IP, addrNet *net.IPNet, routes ...*net.IPNet) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if out, err := ip("netns", "add", name); err != nil && !strings.Contains(out, "File exists") {
		return fmt.Errorf("netns %s: %s", name, out)
	}
	if _, err := ip("-n", name, "link", "show", "eth0"); err != nil {
		ip("link", "del", hostIf) // left by an earlier run whose namespace is gone
		// The MAC follows from the IP, as Docker's bridge does it: a new pod that gets the IP of one that is gone is found
		// at once by every neighbour that still has the old one's entry in its ARP cache.
		if out, err := ip("link", "add", hostIf, "type", "veth", "peer", "name", "eth0", "address", mac(addr), "netns", name); err != nil {
			return fmt.Errorf("veth for %s: %s", name, out)
		}
	}
	cmds := [][]string{
		{"link", "set", hostIf, "master", n.bridge},
		{"link", "set", hostIf, "up"},
		{"-n", name, "link", "set", "lo", "up"},
		{"-n", name, "addr", "replace", cidr(addr, addrNet), "dev", "eth0"},
		{"-n", name, "link", "set", "eth0", "up"},
	}
	for _, r := range routes {
		if !r.Contains(addr) {
			cmds = append(cmds, []string{"-n", name, "route", "replace", r.String(), "dev", "eth0"})
		}
	}
	for _, args := range cmds {
		if out, err := ip(args...); err != nil {
			return fmt.Errorf("ip %s: %s", strings.Join(args, " "), out)
		}
	}
	return nil
}

func (n *network) removeNamespace(name string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if out, err := ip("netns", "del", name); err != nil && !strings.Contains(out, "No such file") {
		log.Printf("network: removing %s: %s", name, out)
	}
}

// removePodNamespace frees a pod's address for good: what still runs in its namespace is killed (a process that left
// its container's process group outlives the container, and with it the namespace, its address and its MAC), and the
// bridge's end of its veth is deleted, which takes the pod's end with it. Otherwise a new pod given the same address
// would share the MAC with the old one on the bridge, which would deliver its traffic to either.
func (n *network) removePodNamespace(uid string) {
	name, hostIf := n.podLinks(uid)
	if killed := killIn(name); len(killed) > 0 {
		log.Printf("network: process(es) outlived the containers of pod %s, killed: %s", uid, strings.Join(killed, "; "))
	}
	if out, err := ip("link", "del", hostIf); err != nil && !strings.Contains(out, "Cannot find device") {
		log.Printf("network: removing the veth of pod %s: %s", uid, out)
	}
	n.removeNamespace(name)
}

// podLinks names a pod's network namespace and the bridge's end of its veth.
func (n *network) podLinks(uid string) (netns, hostIf string) {
	return n.prefix() + "-p-" + uid, n.prefix() + "p" + shortHash(uid)
}

// NodeNamespace gives a node its namespace with its InternalIP.
func (n *network) nodeNamespace(node string, addr net.IP) (string, error) {
	if !n.nodeNet.Contains(addr) {
		return "", fmt.Errorf("node %s has address %s, outside the simulated node range %s", node, addr, n.nodeNet)
	}
	name := n.prefix() + "-n-" + node
	return name, n.namespace(name, n.prefix()+"n"+shortHash(node), addr, n.nodeNet, n.podNet, n.svcNet)
}

// podNamespace gives a pod its namespace with its IP.
func (n *network) podNamespace(uid string, addr net.IP) (string, error) {
	name, hostIf := n.podLinks(uid)
	return name, n.namespace(name, hostIf, addr, n.podNet, n.nodeNet, n.svcNet)
}

// forwardAPIServer lets kube-proxy in the client namespace reach the API server, which listens on the host's loopback.
func (n *network) forwardAPIServer() error {
	_, port, err := net.SplitHostPort(n.o.apiserver)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", net.JoinHostPort(n.bridgeNodeIP.String(), port))
	if err != nil {
		return fmt.Errorf("API server forward: %v", err)
	}
	n.forward = l
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				up, err := net.Dial("tcp", n.o.apiserver)
				if err != nil {
					return
				}
				defer up.Close()
				go io.Copy(up, c)
				io.Copy(c, up)
			}()
		}
	}()
	return nil
}

// apiServerAddress is where pods reach the API server: the forward on the bridge.
func (n *network) apiServerAddress() (host, port string, ok bool) {
	if n.forward == nil {
		return "", "", false
	}
	_, port, err := net.SplitHostPort(n.o.apiserver)
	return n.bridgeNodeIP.String(), port, err == nil
}

func (n *network) teardown() {
	if n.forward != nil {
		n.forward.Close()
	}
	removeNamespaces(n.prefix())
	ip("link", "del", n.bridge)
}

// removeNamespaces deletes every namespace with the prefix, killing what still runs in it.
func removeNamespaces(prefix string) {
	out, _ := ip("netns", "list")
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || !strings.HasPrefix(f[0], prefix+"-") {
			continue
		}
		killIn(f[0])
		ip("netns", "del", f[0])
	}
}

// killIn kills (SIGKILL) every process in the network namespace; it returns each one's pid and command line.
func killIn(netns string) []string {
	pids, err := exec.Command("ip", "netns", "pids", netns).Output()
	if err != nil {
		return nil
	}
	var killed []string
	for _, p := range strings.Fields(string(pids)) {
		cmdline, _ := os.ReadFile("/proc/" + p + "/cmdline")
		killed = append(killed, p+" "+strings.TrimSpace(strings.ReplaceAll(string(cmdline), "\x00", " ")))
		exec.Command("kill", "-9", p).Run()
	}
	return killed
}

func ip(args ...string) (string, error) {
	out, err := exec.Command("ip", args...).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func mac(addr net.IP) string {
	a := addr.To4()
	return fmt.Sprintf("02:42:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3])
}

func cidr(addr net.IP, n *net.IPNet) string {
	ones, _ := n.Mask.Size()
	return fmt.Sprintf("%s/%d", addr, ones)
}

// nextFree is the first address of the pod CIDR after host number last (wrapping round, skipping the network's .0,
// the bridge's .1 and the broadcast address) that is not in used, and its host number; nil when every one is used.
// Addresses go round as the host-local IPAM plugin gives them (from the last one reserved), not lowest first: a pod's
// address is not given to the next pod at once, so a process that still dials a deleted pod's address (a rank of a
// group being recreated, restarted before its pod is deleted) never reaches the new pod that took it.
func nextFree(n *net.IPNet, used map[string]bool, last uint32) (net.IP, uint32) {
	ones, bits := n.Mask.Size()
	if bits-ones < 2 {
		return nil, 0
	}
	hosts := uint32(1)<<(bits-ones) - 3 // host numbers 2 .. 2^k-2
	from := uint32(0)
	if last >= 2 {
		from = last - 1 // the offset after last's
	}
	for k := uint32(0); k < hosts; k++ {
		i := 2 + (from+k)%hosts
		if c := nth(n, i); !used[c.String()] {
			return c, i
		}
	}
	return nil, 0
}

func nth(n *net.IPNet, i uint32) net.IP {
	base := binary.BigEndian.Uint32(n.IP.To4())
	out := make(net.IP, 4)
	binary.BigEndian.PutUint32(out, base+i)
	return out
}

func lastHost(n *net.IPNet) net.IP {
	ones, bits := n.Mask.Size()
	return nth(n, uint32(1)<<(bits-ones)-2)
}

func shortHash(s string) string {
	h := fnv.New32a()
	h.Write([]byte(s))
	return fmt.Sprintf("%08x", h.Sum32())
}

// cleanup removes what a killed agent left: the processes of its containers, its namespaces and its bridge.
func cleanup(o options) {
	pids, _ := filepath.Glob(filepath.Join(o.stateDir, "pods", "*", "*.pid"))
	for _, f := range pids {
		if data, err := os.ReadFile(f); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil && pid > 1 {
				syscall.Kill(-pid, syscall.SIGKILL)
			}
		}
	}
	removeNamespaces(o.prefix)
	ip("link", "del", o.prefix+"br")
}
