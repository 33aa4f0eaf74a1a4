package main

// Prefill/decode disaggregation (--disaggregation-mode prefill|decode), as SGLang does it where a router or a client can
// tell. SGLang's router (smg) sends each request to one prefill and one decode server at once, both carrying the same
// bootstrap_host, bootstrap_port (the prefill leader's --disaggregation-bootstrap-port) and a random bootstrap_room:
//   - prefill computes the prompt (the time to first token), makes the room's KV cache available on its bootstrap port
//     and answers with one token;
//   - decode asks the bootstrap server at bootstrap_host:bootstrap_port for the room (this stand-in's own protocol:
//     GET /kv?room=R, which waits until prefill has the room), then generates the answer. A decode request without
//     the bootstrap fields, or whose prefill never publishes the room, fails, as the real engine's does.
// The answer's system_fingerprint names the pair: "pd prefill=<revision> decode=<revision>", each side's revision being
// DS_STANDIN_REVISION (the node agent sets it from the pod's revision label), so a client can count requests that a
// prefill and a decode of two revisions served together.
//
// Decode dials only bootstrap hosts that are IP addresses on loopback or in DS_STANDIN_DIAL_CIDRS (the node agent sets
// the simulated cluster's pod and node ranges).

import (
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"

	"local.build/standin/internal/kv"
	"local.build/standin/internal/serve"
)

type pdConfig struct {
	mode          string // "", "prefill" or "decode"
	bootstrapPort int
	revision      string
	dialer        kv.Dialer
}

func parsePD(a serve.Args) pdConfig {
	c := pdConfig{mode: a.Value("", "--disaggregation-mode"), bootstrapPort: a.Int(8998, "--disaggregation-bootstrap-port"),
		revision: kv.Revision(), dialer: kv.NewDialer()}
	if c.mode == "null" {
		c.mode = ""
	}
	return c
}

// bootstrap is what a request carries in disaggregated serving; room is kept as written (a 64-bit number).
type bootstrap struct {
	Host string          `json:"bootstrap_host"`
	Port json.RawMessage `json:"bootstrap_port"`
	Room json.RawMessage `json:"bootstrap_room"`
}

func (b bootstrap) present() bool { return b.Host != "" && len(b.Room) > 0 && string(b.Room) != "null" }

// first is a batch's first value (the router sends lists for batched requests) or the value itself.
func first(raw json.RawMessage) string {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
		raw = list[0]
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(raw))
}

// serveBootstrap is the prefill leader's bootstrap server.
func (s *server) serveBootstrap() {
	mux := http.NewServeMux()
	mux.HandleFunc("/kv", s.rooms.Handler("room", s.pd.revision))
	mux.HandleFunc("/health", ok)
	addr := net.JoinHostPort(s.c.host, strconv.Itoa(s.pd.bootstrapPort))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatalf("bootstrap server on %s: %v", addr, err)
	}
	log.Printf("prefill: bootstrap server on %s", ln.Addr())
	go http.Serve(ln, mux)
}

// fetchKV is decode's side of a transfer: the prefill's revision, or an error that fails the request.
func (s *server) fetchKV(b bootstrap) (string, error) {
	port := first(b.Port)
	if port == "" || port == "null" {
		port = "8998"
	}
	return s.pd.dialer.Fetch(b.Host, port, "/kv", "room", first(b.Room))
}

// disaggregated runs a request's part in prefill or decode serving. It returns the answer's length (prefill: one
// token) and fingerprint, or writes the error and returns ok=false.
func (s *server) disaggregated(w http.ResponseWriter, b bootstrap, n int) (tokens int, fingerprint string, okay bool) {
	switch s.pd.mode {
	case "prefill":
		if b.present() {
			defer s.rooms.Publish(first(b.Room))
		}
		return 1, "pd prefill=" + s.pd.revision, true
	case "decode":
		if !b.present() {
			writeError(w, http.StatusBadRequest, "a decode server in disaggregated serving needs bootstrap_host and bootstrap_room (send requests through the router)")
			return 0, "", false
		}
		prefill, err := s.fetchKV(b)
		if err != nil {
			writeError(w, http.StatusInternalServerError, err.Error())
			return 0, "", false
		}
		s.transfers.Add(prefill, s.pd.revision)
		return n, fmt.Sprintf("pd prefill=%s decode=%s", prefill, s.pd.revision), true
	}
	return n, "", true
}
