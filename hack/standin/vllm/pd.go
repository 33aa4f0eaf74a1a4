package main

// Prefill/decode disaggregation (--kv-transfer-config with kv_role kv_producer|kv_consumer), as vLLM's KV connectors do
// it where a router or a client can tell. The router (vllm-router --vllm-pd-disaggregation) sends a request to prefill
// with kv_transfer_params {do_remote_decode: true} and max_tokens 1, and to decode with {do_remote_prefill: true, ...}:
//   - NixlConnector (vllm-router --kv-connector nixl): prefill computes the prompt (llm-d-inference-sim answers with
//     finish_reason "remote_decode"), makes the request's KV blocks available on its NIXL side channel and answers
//     kv_transfer_params {remote_engine_id: <its engine_id>, remote_block_ids, remote_host: VLLM_NIXL_SIDE_CHANNEL_HOST
//     (default localhost, as vLLM's), remote_port: VLLM_NIXL_SIDE_CHANNEL_PORT (default 5600)}, which the router hands
//     to decode; decode pulls the blocks from remote_host:remote_port.
//   - MooncakeConnector and vllm-ascend's MooncakeConnectorV1 (vllm-router --kv-connector mooncake): prefill serves a
//     bootstrap server on VLLM_MOONCAKE_BOOTSTRAP_PORT (vllm-ascend: the config's kv_port; default 8998) whose GET
//     /query answers each data-parallel rank's engine id, which the router asks first; the router gives both legs a
//     transfer_id and decode the prefill's remote_bootstrap_addr; decode pulls the transfer from there.
// Pulls use this stand-in's own protocol (GET /kv?block=ID on the side channel or bootstrap server, which waits until
// prefill has the blocks), then decode generates the answer (the simulator adds its KV transfer latency). A pull that
// fails (prefill gone, or a side channel on "localhost" of another pod) fails the request, as the real connectors' do.
// Without kv_transfer_params decode computes the prompt itself, as vLLM does.
// The answer's system_fingerprint names the pair: "pd prefill=<revision> decode=<revision>" (prefill=none when decode
// computed the prompt itself), each side's revision being DS_STANDIN_REVISION, so a client can count requests that a
// prefill and a decode of two revisions served together; decode counts vllm:standin_kv_transfers_total.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"

	"local.build/standin/internal/kv"
	"local.build/standin/internal/serve"
)

type pd struct {
	role      string // "kv_producer", "kv_consumer" or "" (no disaggregation)
	mooncake  bool   // Mooncake's protocol, else NIXL's
	engineID  string
	dp        int
	revision  string
	sideHost  string // NIXL: what prefill announces
	sidePort  int    // NIXL: its side channel; Mooncake: its bootstrap server
	blocks    kv.Store
	dialer    kv.Dialer
	transfers kv.Transfers
}

// parsePD reads --kv-transfer-config (-kvt): the connector, its role and the engine id.
func parsePD(a serve.Args, dp int) *pd {
	raw := a.Value("", "--kv-transfer-config", "-kvt")
	if raw == "" {
		return nil
	}
	var cfg struct {
		Connector string          `json:"kv_connector"`
		Role      string          `json:"kv_role"`
		EngineID  string          `json:"engine_id"`
		KVPort    json.RawMessage `json:"kv_port"`
	}
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		log.Fatalf("--kv-transfer-config: %v", err)
	}
	if cfg.Role != "kv_producer" && cfg.Role != "kv_consumer" {
		return nil
	}
	p := &pd{role: cfg.Role, mooncake: strings.HasPrefix(cfg.Connector, "Mooncake"), engineID: cfg.EngineID, dp: max(1, dp),
		revision: kv.Revision(), sideHost: env("VLLM_NIXL_SIDE_CHANNEL_HOST", "localhost"),
		dialer: kv.NewDialer()}
	port := env("VLLM_NIXL_SIDE_CHANNEL_PORT", "5600")
	if p.mooncake {
		port = env("VLLM_MOONCAKE_BOOTSTRAP_PORT", strings.Trim(string(cfg.KVPort), `"`))
		if port == "" || port == "null" {
			port = "8998"
		}
	}
	p.sidePort, _ = strconv.Atoi(port)
	return p
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// serveSideChannel: prefill's NIXL side channel or Mooncake bootstrap server, where decode pulls a request's blocks.
func (p *pd) serveSideChannel() {
	mux := http.NewServeMux()
	mux.HandleFunc("/kv", p.blocks.Handler("block", p.revision))
	if p.mooncake {
		// What vllm-router asks first: each data-parallel rank's engine id.
		mux.HandleFunc("/query", func(w http.ResponseWriter, r *http.Request) {
			ranks := map[string]any{}
			for i := 0; i < p.dp; i++ {
				ranks[strconv.Itoa(i)] = map[string]string{"engine_id": fmt.Sprintf("%s-dp%d", p.engineID, i)}
			}
			serve.WriteJSON(w, http.StatusOK, ranks)
		})
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("0.0.0.0", strconv.Itoa(p.sidePort)))
	if err != nil {
		log.Fatalf("KV side channel on port %d: %v", p.sidePort, err)
	}
	what := fmt.Sprintf("NIXL side channel, announced as %s:%d", p.sideHost, p.sidePort)
	if p.mooncake {
		what = "Mooncake bootstrap server"
	}
	log.Printf("prefill (%s): %s on %s", p.engineID, what, ln.Addr())
	go http.Serve(ln, mux)
}

type kvParams struct {
	DoRemoteDecode      bool     `json:"do_remote_decode"`
	DoRemotePrefill     bool     `json:"do_remote_prefill"`
	RemoteHost          string   `json:"remote_host"`
	RemotePort          any      `json:"remote_port"`
	RemoteBlockIDs      []string `json:"remote_block_ids"`
	TransferID          string   `json:"transfer_id"`
	RemoteBootstrapAddr string   `json:"remote_bootstrap_addr"`
}

// source is where decode pulls a request's KV cache from: host, port and block id.
func (p *pd) source(k *kvParams) (host, port, id string, err error) {
	if p.mooncake {
		addr := strings.TrimPrefix(strings.TrimPrefix(k.RemoteBootstrapAddr, "http://"), "https://")
		host, port, err = net.SplitHostPort(strings.TrimSuffix(addr, "/"))
		if err != nil || k.TransferID == "" {
			return "", "", "", fmt.Errorf("kv_transfer_params need remote_bootstrap_addr and transfer_id (got %q, %q)",
				k.RemoteBootstrapAddr, k.TransferID)
		}
		return host, port, k.TransferID, nil
	}
	if len(k.RemoteBlockIDs) == 0 {
		return "", "", "", fmt.Errorf("kv_transfer_params.remote_block_ids is empty")
	}
	return k.RemoteHost, fmt.Sprint(k.RemotePort), k.RemoteBlockIDs[0], nil
}

// serve runs a completion request's part in disaggregated serving on a rank.
func (p *pd) serve(w http.ResponseWriter, r *http.Request, rk *rank) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var req struct {
		KV *kvParams `json:"kv_transfer_params"`
	}
	json.Unmarshal(body, &req)
	prefill := "none"
	switch {
	case p.role == "kv_producer" && req.KV != nil && req.KV.DoRemoteDecode:
		resp, err := forward(rk, r, body)
		if err != nil {
			serve.WriteError(w, http.StatusBadGateway, err.Error())
			return
		}
		defer resp.Body.Close()
		var answer map[string]any
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || json.Unmarshal(data, &answer) != nil {
			copyResponse(w, resp, data)
			return
		}
		id := req.KV.TransferID
		if !p.mooncake {
			id, _ = answer["id"].(string)
			answer["kv_transfer_params"] = map[string]any{"do_remote_decode": false, "do_remote_prefill": true,
				"remote_engine_id": p.engineID, "remote_block_ids": []string{id}, "remote_host": p.sideHost,
				"remote_port": p.sidePort, "tp_size": 1}
		}
		answer["system_fingerprint"] = "pd prefill=" + p.revision
		p.blocks.Publish(id)
		serve.WriteJSON(w, resp.StatusCode, answer)
		return
	case p.role == "kv_consumer" && req.KV != nil && req.KV.DoRemotePrefill:
		host, port, id, err := p.source(req.KV)
		if err == nil {
			prefill, err = p.dialer.Fetch(host, port, "/kv", "block", id)
		}
		if err != nil {
			serve.WriteError(w, http.StatusInternalServerError, "KV transfer failed: "+err.Error())
			return
		}
		p.transfers.Add(prefill, p.revision)
	}
	resp, err := forward(rk, r, body)
	if err != nil {
		serve.WriteError(w, http.StatusBadGateway, err.Error())
		return
	}
	defer resp.Body.Close()
	fingerprint := fmt.Sprintf("pd prefill=%s decode=%s", prefill, p.revision)
	if p.role == "kv_producer" {
		fingerprint = "pd prefill=" + p.revision
	}
	if resp.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(resp.Body)
		copyResponse(w, resp, data)
		return
	}
	if bytes.HasPrefix([]byte(resp.Header.Get("Content-Type")), []byte("text/event-stream")) {
		streamWithFingerprint(w, resp, fingerprint)
		return
	}
	data, _ := io.ReadAll(resp.Body)
	var answer map[string]any
	if json.Unmarshal(data, &answer) != nil {
		copyResponse(w, resp, data)
		return
	}
	answer["system_fingerprint"] = fingerprint
	serve.WriteJSON(w, resp.StatusCode, answer)
}

// forward sends the request as read to the rank's simulator.
func forward(rk *rank, r *http.Request, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, fmt.Sprintf("http://127.0.0.1:%d%s", rk.port, r.URL.RequestURI()),
		bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header = r.Header.Clone()
	return http.DefaultClient.Do(req)
}

func copyResponse(w http.ResponseWriter, resp *http.Response, data []byte) {
	for k, v := range resp.Header {
		if k != "Content-Length" {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(data)
}

// streamWithFingerprint passes server-sent events through, each chunk with the pair's fingerprint.
func streamWithFingerprint(w http.ResponseWriter, resp *http.Response, fingerprint string) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(resp.StatusCode)
	flusher, _ := w.(http.Flusher)
	s := bufio.NewScanner(resp.Body)
	s.Buffer(make([]byte, 64*1024), 4<<20)
	for s.Scan() {
		line := s.Text()
		if data, ok := bytes.CutPrefix([]byte(line), []byte("data: ")); ok && string(data) != "[DONE]" {
			var chunk map[string]any
			if json.Unmarshal(data, &chunk) == nil {
				chunk["system_fingerprint"] = fingerprint
				b, _ := json.Marshal(chunk)
				line = "data: " + string(b)
			}
		}
		fmt.Fprintln(w, line)
		if line == "" && flusher != nil {
			flusher.Flush()
		}
	}
	if flusher != nil {
		flusher.Flush()
	}
}
