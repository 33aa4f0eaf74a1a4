// Package kv is the stand-ins' simulated KV-cache hand-over between a prefill and a decode server: prefill publishes an
// entry (a request's KV cache) under an id on a side port, decode fetches it from the address the request carries. What
// decode learns is the prefill's revision, so that answers can name the pair that served them. It dials only IP
// addresses on loopback or in the ranges the node agent allows (DS_STANDIN_DIAL_CIDRS).
package kv

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"local.build/standin/internal/serve"
)

// Store is the prefill side's published entries, kept a minute for a decode that asks late.
type Store struct {
	mu sync.Mutex
	m  map[string]*entry
}

type entry struct {
	ready   chan struct{}
	created time.Time
}

func (s *Store) get(id string) *entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]*entry{}
	}
	for k, v := range s.m {
		if time.Since(v.created) > time.Minute {
			delete(s.m, k)
		}
	}
	x, ok := s.m[id]
	if !ok {
		x = &entry{ready: make(chan struct{}), created: time.Now()}
		s.m[id] = x
	}
	return x
}

// Publish makes an entry available (once).
func (s *Store) Publish(id string) {
	x := s.get(id)
	select {
	case <-x.ready:
	default:
		close(x.ready)
	}
}

// The simulated hand-over's knobs: how long a transfer takes (DS_STANDIN_KV_TRANSFER_MS, default 5) and how long
// either side waits for the other (DS_STANDIN_KV_WAIT_MS, default 30000).
func transferTime() time.Duration { return serve.Millis("DS_STANDIN_KV_TRANSFER_MS", 5) }
func waitTime() time.Duration     { return serve.Millis("DS_STANDIN_KV_WAIT_MS", 30000) }

// Handler serves GET ?<param>=<id>: waits for the entry, then (after the simulated transfer time) answers this
// server's revision and pod.
func (s *Store) Handler(param, revision string) http.HandlerFunc {
	transfer, wait := transferTime(), waitTime()
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get(param)
		if id == "" {
			http.Error(w, param+" missing", http.StatusBadRequest)
			return
		}
		select {
		case <-s.get(id).ready:
			time.Sleep(transfer)
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]string{"revision": revision, "pod": os.Getenv("DS_POD_NAME")})
		case <-time.After(wait):
			http.Error(w, "prefill never computed "+param+" "+id, http.StatusGatewayTimeout)
		case <-r.Context().Done():
		}
	}
}

// Dialer fetches entries from other servers, within the allowed ranges.
type Dialer struct {
	allowed []*net.IPNet
	wait    time.Duration
}

// NewDialer: the ranges from DS_STANDIN_DIAL_CIDRS (comma-separated), loopback always.
func NewDialer() Dialer {
	d := Dialer{wait: waitTime()}
	for _, s := range strings.Split(os.Getenv("DS_STANDIN_DIAL_CIDRS"), ",") {
		if _, n, err := net.ParseCIDR(strings.TrimSpace(s)); err == nil {
			d.allowed = append(d.allowed, n)
		}
	}
	return d
}

// Fetch asks http://host:port/path?param=id for an entry; it returns the prefill's revision, or an error that fails the
// request.
func (d Dialer) Fetch(host, port, path, param, id string) (string, error) {
	ip := net.ParseIP(host)
	if ip == nil {
		return "", fmt.Errorf("KV source host %q is not an IP address", host)
	}
	allowed := ip.IsLoopback()
	for _, n := range d.allowed {
		allowed = allowed || n.Contains(ip)
	}
	if !allowed {
		return "", fmt.Errorf("KV source host %s is outside the ranges this stand-in may dial", host)
	}
	client := &http.Client{Timeout: d.wait + 5*time.Second}
	resp, err := client.Get("http://" + net.JoinHostPort(host, port) + path + "?" + param + "=" + url.QueryEscape(id))
	if err != nil {
		return "", fmt.Errorf("KV transfer from %s:%s: %v", host, port, err)
	}
	defer resp.Body.Close()
	var out struct {
		Revision string `json:"revision"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&out) != nil {
		return "", fmt.Errorf("KV transfer from %s:%s: HTTP %d", host, port, resp.StatusCode)
	}
	return out.Revision, nil
}

// Transfers counts decode's KV transfers by the pair of revisions, for a /metrics counter.
type Transfers struct {
	mu sync.Mutex
	m  map[[2]string]int64
}

func (t *Transfers) Add(prefill, decode string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m = map[[2]string]int64{}
	}
	t.m[[2]string{prefill, decode}]++
}

// Write prints the counter named name in Prometheus' text format.
func (t *Transfers) Write(w io.Writer, name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(w, "# HELP %s KV transfers received, by the revisions of prefill and decode.\n# TYPE %s counter\n", name, name)
	for k, v := range t.m {
		fmt.Fprintf(w, "%s{prefill_revision=%q,decode_revision=%q} %d\n", name, k[0], k[1], v)
	}
}

// Revision is this server's revision as the node agent passes it (DS_STANDIN_REVISION), or "unknown".
func Revision() string {
	if r := os.Getenv("DS_STANDIN_REVISION"); r != "" {
		return r
	}
	return "unknown"
}
