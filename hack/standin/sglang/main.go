// Command sglang-standin stands in for SGLang's server (python3 -m sglang.launch_server) on machines without GPUs.
//
// It takes SGLang's own command line, as the operator renders it (flags it does not model are accepted and ignored),
// and behaves as SGLang v0.5.x does where an operator or a client can tell:
//   - SGLANG_ENABLE_HEALTH_ENDPOINT_GENERATION=false: /health answers without the generation (as SGLang does).
//   - Rank 0 listens on the --dist-init-addr port at once and waits for --nnodes-1 ranks, which connect to it and hold
//     the connection, as torch's TCPStore does; a rank whose connection drops exits 1, so a dead leader breaks its
//     workers (and their rank probes), and a dead worker takes the leader down.
//   - The HTTP port is closed while the model loads (DS_STANDIN_LOAD_SECONDS, default 2). Rank 0 then serves the API
//     (/v1/chat/completions and /v1/completions, streamed or not, /generate, /v1/models, /model_info, /server_info,
//     /get_load, /metrics); /health and /health_generate run a one-token generation through the queue and answer 503
//     if it takes more than 20 s. Ranks >= 1 serve only SGLang's dummy health server (/health, /health_generate, /ping
//     always 200, /metrics with --enable-metrics).
//   - Requests beyond a rank's share of --max-running-requests wait in its queue; time to first token
//     (DS_STANDIN_TTFT_MS, default 50) and per-token time (DS_STANDIN_ITL_MS, default 10) grow with the running load.
//   - With --enable-dp-attention and --dp-size N, the N data-parallel ranks are spread over the nodes and requests are
//     dispatched round robin; each rank's metrics (label dp_rank) are served by the /metrics of the node that hosts
//     it, so a reader of the leader alone misses the load on the other nodes, as with the real engine.
//   - SIGTERM: no new connections, requests in flight finish, exit 0.
//
// It never dials anything but --dist-init-addr and, in decode mode, the bootstrap servers it is sent to (pd.go).
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"math"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"local.build/standin/internal/group"
	"local.build/standin/internal/kv"
	"local.build/standin/internal/serve"
)

type config struct {
	modelPath, servedName, host, distInitAddr, apiKey string
	port, nnodes, rank, maxRunning, dpRanks           int
	metrics                                           bool
	load, ttft, itl                                   time.Duration
	pd                                                pdConfig
}

func parse(raw []string) config {
	a := serve.Split(raw)
	c := config{
		modelPath:    a.Value("", "--model-path", "--model"),
		host:         a.Value("127.0.0.1", "--host"),
		port:         a.Int(30000, "--port"),
		distInitAddr: a.Value("", "--dist-init-addr", "--nccl-init-addr"),
		nnodes:       a.Int(1, "--nnodes"),
		rank:         a.Int(0, "--node-rank"),
		maxRunning:   a.Int(256, "--max-running-requests"),
		apiKey:       a.Value("", "--api-key"),
		metrics:      a.Has("--enable-metrics"),
		dpRanks:      1,
	}
	c.servedName = a.Value(c.modelPath, "--served-model-name")
	if cfg := a.Value("", "--config"); cfg != "" {
		c.apiKey = apiKeyFromConfig(cfg, c.apiKey)
	}
	if dp := a.Int(1, "--dp-size", "--dp"); dp > 1 && a.Has("--enable-dp-attention") {
		c.dpRanks = dp
	}
	c.load = serve.LoadTime()
	c.ttft = serve.Millis("DS_STANDIN_TTFT_MS", 50)
	c.itl = serve.Millis("DS_STANDIN_ITL_MS", 10)
	c.pd = parsePD(a)
	return c
}

// apiKeyFromConfig reads "api-key: <JSON string>" from an SGLang --config file (how the operator passes the key).
func apiKeyFromConfig(path, current string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatalf("--config %s: %v", path, err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(k) == "api-key" {
			var key string
			if err := json.Unmarshal([]byte(strings.TrimSpace(v)), &key); err != nil {
				return strings.Trim(strings.TrimSpace(v), "\"'")
			}
			return key
		}
	}
	return current
}

func main() {
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	c := parse(os.Args[1:])
	log.Printf("sglang stand-in: model %s served as %s, node rank %d of %d, port %d, %d data-parallel rank(s)",
		c.modelPath, c.servedName, c.rank, c.nnodes, c.port, c.dpRanks)
	if c.rank > 0 {
		worker(c)
		return
	}
	leader(c)
}

// nodeOf is the node that hosts a data-parallel rank: ranks are spread evenly, in order.
func (c config) nodeOf(dpRank int) int {
	perNode := max(1, c.dpRanks/max(1, c.nnodes))
	return min(c.nnodes-1, dpRank/perNode)
}

func leader(c config) {
	var g *group.Leader
	if c.nnodes > 1 {
		_, port, err := net.SplitHostPort(c.distInitAddr)
		if err != nil {
			log.Fatalf("--dist-init-addr %q: %v", c.distInitAddr, err)
		}
		p, _ := strconv.Atoi(port)
		if g, err = group.Listen(p, c.nnodes-1); err != nil {
			log.Fatalf("rank 0: rendezvous on %s: %v", port, err)
		}
		log.Printf("rank 0: waiting for %d rank(s) on port %s", c.nnodes-1, port)
		g.WaitAll()
	}
	s := newServer(c)
	if c.pd.mode == "prefill" {
		s.serveBootstrap()
	}
	log.Printf("rank 0: loading the model (%s)", c.load)
	time.Sleep(c.load)
	if g != nil {
		go s.pushRemoteMetrics(g)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/health", s.health)
	mux.HandleFunc("/health_generate", s.health)
	mux.HandleFunc("/ping", ok)
	mux.HandleFunc("/model_info", s.auth(s.modelInfo))
	mux.HandleFunc("/get_model_info", s.auth(s.modelInfo))
	mux.HandleFunc("/server_info", s.auth(s.serverInfo))
	mux.HandleFunc("/get_server_info", s.auth(s.serverInfo))
	mux.HandleFunc("/get_load", s.auth(s.getLoad))
	mux.HandleFunc("/v1/models", s.auth(s.models))
	mux.HandleFunc("/v1/chat/completions", s.auth(s.chat))
	mux.HandleFunc("/v1/completions", s.auth(s.completions))
	mux.HandleFunc("/generate", s.auth(s.generate))
	if c.metrics {
		mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
			s.writeMetrics(w, s.localRanks())
			if c.pd.mode == "decode" {
				s.transfers.Write(w, "sglang:standin_kv_transfers_total")
			}
		})
	}
	// ServerStatus.Starting: the warm-up request runs before /health answers 200.
	go func() {
		time.Sleep(c.ttft + c.itl)
		s.warm.Store(true)
		log.Printf("rank 0: warm-up done, serving")
	}()
	serve.Run(net.JoinHostPort(c.host, strconv.Itoa(c.port)), mux, func() { s.stopping.Store(true) })
}

// worker: join rank 0, load, then SGLang's dummy health server, with the metrics of the ranks this node hosts.
func worker(c config) {
	s := newServer(c)
	group.Join(c.distInitAddr, fmt.Sprintf("rank %d", c.rank), s.receiveMetrics)
	log.Printf("rank %d: loading the model (%s)", c.rank, c.load)
	time.Sleep(c.load)
	mux := http.NewServeMux()
	mux.HandleFunc("/health", ok)
	mux.HandleFunc("/health_generate", ok)
	mux.HandleFunc("/ping", ok)
	if c.metrics {
		mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) { s.writeMetrics(w, s.remoteSnapshot()) })
	}
	serve.Run(net.JoinHostPort(c.host, strconv.Itoa(c.port)), mux, nil)
}

func ok(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }

var ttftBuckets = []float64{0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 120, 160}

// rank is one data-parallel rank's scheduler: its running batch, its queue and what it has served.
type rank struct {
	index                    int
	slots                    chan struct{}
	capacity                 int
	waiting, running, tokens atomic.Int64
	requests                 atomic.Int64
	mu                       sync.Mutex
	ttftCounts               []int64
	ttftSum                  float64
	ttftCount                int64
	recentTokens             []tokenMark
}

type tokenMark struct {
	at     time.Time
	tokens int64
}

// snapshot is what a rank's /metrics shows; rank 0 sends the snapshots of a worker's ranks to that worker.
type snapshot struct {
	Rank       int     `json:"rank"`
	Running    int64   `json:"running"`
	Waiting    int64   `json:"waiting"`
	Usage      float64 `json:"usage"`
	Throughput float64 `json:"throughput"`
	Requests   int64   `json:"requests"`
	TTFTCounts []int64 `json:"ttftCounts"`
	TTFTSum    float64 `json:"ttftSum"`
	TTFTCount  int64   `json:"ttftCount"`
}

type server struct {
	c         config
	ranks     []*rank
	next      atomic.Int64
	warm      atomic.Bool
	stopping  atomic.Bool
	remoteMu  sync.Mutex
	remote    map[int]snapshot
	pd        pdConfig
	rooms     kv.Store
	transfers kv.Transfers
}

func newServer(c config) *server {
	s := &server{c: c, remote: map[int]snapshot{}, pd: c.pd}
	per := max(1, c.maxRunning/c.dpRanks)
	for i := 0; i < c.dpRanks; i++ {
		s.ranks = append(s.ranks, &rank{index: i, slots: make(chan struct{}, per), capacity: per,
			ttftCounts: make([]int64, len(ttftBuckets))})
	}
	return s
}

func (s *server) localRanks() []snapshot {
	var out []snapshot
	for _, r := range s.ranks {
		if s.c.nodeOf(r.index) == 0 {
			out = append(out, r.snapshot())
		}
	}
	return out
}

// pushRemoteMetrics sends each worker the state of the ranks it hosts, four times a second.
func (s *server) pushRemoteMetrics(g *group.Leader) {
	for range time.Tick(250 * time.Millisecond) {
		byNode := map[int][]snapshot{}
		for _, r := range s.ranks {
			if n := s.c.nodeOf(r.index); n > 0 {
				byNode[n] = append(byNode[n], r.snapshot())
			}
		}
		for n, snaps := range byNode {
			data, _ := json.Marshal(snaps)
			g.Tell(fmt.Sprintf("rank %d", n), "metrics "+string(data))
		}
	}
}

func (s *server) receiveMetrics(line string) {
	data, ok := strings.CutPrefix(line, "metrics ")
	if !ok {
		return
	}
	var snaps []snapshot
	if json.Unmarshal([]byte(data), &snaps) != nil {
		return
	}
	s.remoteMu.Lock()
	defer s.remoteMu.Unlock()
	for _, sn := range snaps {
		s.remote[sn.Rank] = sn
	}
}

func (s *server) remoteSnapshot() []snapshot {
	s.remoteMu.Lock()
	defer s.remoteMu.Unlock()
	var out []snapshot
	for _, sn := range s.remote {
		out = append(out, sn)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Rank < out[j].Rank })
	return out
}

func (r *rank) snapshot() snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	for len(r.recentTokens) > 0 && now.Sub(r.recentTokens[0].at) > 5*time.Second {
		r.recentTokens = r.recentTokens[1:]
	}
	var recent int64
	for _, m := range r.recentTokens {
		recent += m.tokens
	}
	running := r.running.Load()
	return snapshot{Rank: r.index, Running: running, Waiting: r.waiting.Load(),
		Usage: math.Min(1, float64(running)/float64(r.capacity)), Throughput: float64(recent) / 5,
		Requests: r.requests.Load(), TTFTCounts: append([]int64(nil), r.ttftCounts...), TTFTSum: r.ttftSum, TTFTCount: r.ttftCount}
}

// run takes one request through a rank: the queue, then the time to first token, then one token at a time. emit gets
// each token; it returns false when the client is gone.
func (s *server) run(maxTokens int, emit func(i int) bool) {
	r := s.ranks[int(s.next.Add(1)-1)%len(s.ranks)]
	r.requests.Add(1)
	r.waiting.Add(1)
	r.slots <- struct{}{}
	r.waiting.Add(-1)
	running := r.running.Add(1)
	defer func() {
		r.running.Add(-1)
		<-r.slots
	}()
	load := 1 + float64(running)/float64(r.capacity)
	start := time.Now()
	time.Sleep(time.Duration(float64(s.c.ttft) * load))
	r.observeTTFT(time.Since(start).Seconds())
	for i := 0; i < maxTokens; i++ {
		if i > 0 {
			time.Sleep(time.Duration(float64(s.c.itl) * load))
		}
		r.mu.Lock()
		r.recentTokens = append(r.recentTokens, tokenMark{time.Now(), 1})
		r.mu.Unlock()
		r.tokens.Add(1)
		if !emit(i) {
			return
		}
	}
}

func (r *rank) observeTTFT(v float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, b := range ttftBuckets {
		if v <= b {
			r.ttftCounts[i]++
		}
	}
	r.ttftSum += v
	r.ttftCount++
}

// health is SGLang's /health: 503 while starting or shutting down, else a one-token generation within 20 s (unless
// SGLANG_ENABLE_HEALTH_ENDPOINT_GENERATION is false, and for /health only: then 200 at once).
func (s *server) health(w http.ResponseWriter, r *http.Request) {
	if !s.warm.Load() || s.stopping.Load() {
		http.Error(w, "", http.StatusServiceUnavailable)
		return
	}
	if r.URL.Path == "/health" && strings.EqualFold(os.Getenv("SGLANG_ENABLE_HEALTH_ENDPOINT_GENERATION"), "false") {
		w.WriteHeader(http.StatusOK)
		return
	}
	done := make(chan struct{})
	go func() {
		s.run(1, func(int) bool { return true })
		close(done)
	}()
	select {
	case <-done:
		w.WriteHeader(http.StatusOK)
	case <-time.After(20 * time.Second):
		http.Error(w, "health check generation timed out", http.StatusServiceUnavailable)
	}
}

func (s *server) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !serve.Authorized(r, s.c.apiKey) {
			serve.Unauthorized(w)
			return
		}
		h(w, r)
	}
}

func (s *server) modelInfo(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, map[string]any{"model_path": s.c.modelPath, "tokenizer_path": s.c.modelPath, "is_generation": true,
		"served_model_name": s.c.servedName})
}

func (s *server) serverInfo(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, map[string]any{"model_path": s.c.modelPath, "served_model_name": s.c.servedName, "nnodes": s.c.nnodes,
		"dp_size": s.c.dpRanks, "max_running_requests": s.c.maxRunning, "version": "stand-in"})
}

func (s *server) getLoad(w http.ResponseWriter, r *http.Request) {
	var out []map[string]any
	for _, rk := range s.ranks {
		out = append(out, map[string]any{"dp_rank": rk.index, "num_reqs": rk.running.Load() + rk.waiting.Load(),
			"num_waiting_reqs": rk.waiting.Load()})
	}
	writeJSON(w, out)
}

func (s *server) models(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, map[string]any{"object": "list", "data": []any{map[string]any{"id": s.c.servedName, "object": "model",
		"owned_by": "sglang", "root": s.c.modelPath}}})
}

var answer = strings.Fields("SGLang stand-in: this answer comes from the DeepSeek operator's simulated engine, not from a model")

func tokens(n int) int {
	if n <= 0 || n > 256 {
		return 16
	}
	return n
}

type openAIRequest struct {
	Model               string          `json:"model"`
	Stream              bool            `json:"stream"`
	MaxTokens           int             `json:"max_tokens"`
	MaxCompletionTokens int             `json:"max_completion_tokens"`
	Messages            json.RawMessage `json:"messages"`
	Prompt              json.RawMessage `json:"prompt"`
	bootstrap
}

func (s *server) chat(w http.ResponseWriter, r *http.Request) {
	s.openAI(w, r, true)
}

func (s *server) completions(w http.ResponseWriter, r *http.Request) {
	s.openAI(w, r, false)
}

// openAI serves the OpenAI chat and text completion APIs, whole or streamed as server-sent events.
func (s *server) openAI(w http.ResponseWriter, r *http.Request, chat bool) {
	var req openAIRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || (chat && len(req.Messages) == 0) || (!chat && len(req.Prompt) == 0) {
		writeError(w, http.StatusBadRequest, "a chat completion needs messages, a completion a prompt")
		return
	}
	if req.Model != "" && req.Model != s.c.servedName && req.Model != s.c.modelPath {
		writeError(w, http.StatusNotFound, fmt.Sprintf("The model %q does not exist.", req.Model))
		return
	}
	n := tokens(req.MaxTokens)
	if req.MaxCompletionTokens > 0 {
		n = tokens(req.MaxCompletionTokens)
	}
	n, fingerprint, okay := s.disaggregated(w, req.bootstrap, n)
	if !okay {
		return
	}
	id := fmt.Sprintf("%s-%d", map[bool]string{true: "chatcmpl", false: "cmpl"}[chat], time.Now().UnixNano())
	object := map[bool]string{true: "chat.completion", false: "text_completion"}[chat]
	if !req.Stream {
		var out []string
		s.run(n, func(i int) bool { out = append(out, answer[i%len(answer)]); return true })
		choice := map[string]any{"index": 0, "finish_reason": "length"}
		if chat {
			choice["message"] = map[string]any{"role": "assistant", "content": strings.Join(out, " ")}
		} else {
			choice["text"] = strings.Join(out, " ")
		}
		answer := map[string]any{"id": id, "object": object, "created": time.Now().Unix(), "model": s.c.servedName,
			"choices": []any{choice}, "usage": map[string]any{"prompt_tokens": 8, "completion_tokens": n, "total_tokens": n + 8}}
		if fingerprint != "" {
			answer["system_fingerprint"] = fingerprint
		}
		writeJSON(w, answer)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	flusher, _ := w.(http.Flusher)
	s.run(n, func(i int) bool {
		choice := map[string]any{"index": 0}
		if chat {
			delta := map[string]any{"content": answer[i%len(answer)] + " "}
			if i == 0 {
				delta["role"] = "assistant"
			}
			choice["delta"] = delta
		} else {
			choice["text"] = answer[i%len(answer)] + " "
		}
		msg := map[string]any{"id": id, "object": object + ".chunk", "model": s.c.servedName, "choices": []any{choice}}
		if fingerprint != "" {
			msg["system_fingerprint"] = fingerprint
		}
		chunk, _ := json.Marshal(msg)
		if _, err := fmt.Fprintf(w, "data: %s\n\n", chunk); err != nil {
			return false
		}
		if flusher != nil {
			flusher.Flush()
		}
		return true
	})
	fmt.Fprint(w, "data: [DONE]\n\n")
}

func (s *server) generate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Text           string         `json:"text"`
		SamplingParams map[string]any `json:"sampling_params"`
		bootstrap
	}
	json.NewDecoder(r.Body).Decode(&req)
	n := 16
	if v, ok := req.SamplingParams["max_new_tokens"].(float64); ok {
		n = tokens(int(v))
	}
	n, _, okay := s.disaggregated(w, req.bootstrap, n)
	if !okay {
		return
	}
	var out []string
	s.run(n, func(i int) bool { out = append(out, answer[i%len(answer)]); return true })
	writeJSON(w, map[string]any{"text": strings.Join(out, " "), "meta_info": map[string]any{"completion_tokens": n,
		"finish_reason": map[string]any{"type": "length", "length": n}}})
}

// writeMetrics prints SGLang's metric names, one series per data-parallel rank (label dp_rank with DP attention).
func (s *server) writeMetrics(w http.ResponseWriter, snaps []snapshot) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	labels := func(sn snapshot, extra string) string {
		l := fmt.Sprintf("engine_type=\"unified\",model_name=%q,moe_ep_rank=\"0\",pp_rank=\"0\",tp_rank=\"0\"", s.c.servedName)
		if s.c.dpRanks > 1 {
			l = fmt.Sprintf("dp_rank=\"%d\",", sn.Rank) + l
		}
		if extra != "" {
			l += "," + extra
		}
		return "{" + l + "}"
	}
	gauge := func(name, help string, v func(snapshot) string) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name)
		for _, sn := range snaps {
			fmt.Fprintf(w, "%s%s %s\n", name, labels(sn, ""), v(sn))
		}
	}
	gauge("sglang:num_running_reqs", "The number of running requests.", func(sn snapshot) string { return strconv.FormatInt(sn.Running, 10) })
	gauge("sglang:num_queue_reqs", "The number of requests in the waiting queue.", func(sn snapshot) string { return strconv.FormatInt(sn.Waiting, 10) })
	gauge("sglang:token_usage", "The token usage.", func(sn snapshot) string { return fmt.Sprintf("%.4f", sn.Usage) })
	gauge("sglang:gen_throughput", "The generation throughput (token/s).", func(sn snapshot) string { return fmt.Sprintf("%.2f", sn.Throughput) })
	fmt.Fprint(w, "# HELP sglang:num_requests_total The number of processed requests.\n# TYPE sglang:num_requests_total counter\n")
	for _, sn := range snaps {
		fmt.Fprintf(w, "sglang:num_requests_total%s %d\n", labels(sn, ""), sn.Requests)
	}
	fmt.Fprint(w, "# HELP sglang:time_to_first_token_seconds Histogram of time to first token in seconds.\n# TYPE sglang:time_to_first_token_seconds histogram\n")
	for _, sn := range snaps {
		for i, b := range ttftBuckets {
			var c int64
			if i < len(sn.TTFTCounts) {
				c = sn.TTFTCounts[i]
			}
			fmt.Fprintf(w, "sglang:time_to_first_token_seconds_bucket%s %d\n", labels(sn, fmt.Sprintf("le=\"%g\"", b)), c)
		}
		fmt.Fprintf(w, "sglang:time_to_first_token_seconds_bucket%s %d\n", labels(sn, "le=\"+Inf\""), sn.TTFTCount)
		fmt.Fprintf(w, "sglang:time_to_first_token_seconds_sum%s %g\n", labels(sn, ""), sn.TTFTSum)
		fmt.Fprintf(w, "sglang:time_to_first_token_seconds_count%s %d\n", labels(sn, ""), sn.TTFTCount)
	}
}

// writeError is the OpenAI-style error SGLang answers with.
func writeError(w http.ResponseWriter, code int, msg string) {
	serve.WriteError(w, code, msg)
}

func writeJSON(w http.ResponseWriter, v any) {
	serve.WriteJSON(w, http.StatusOK, v)
}
