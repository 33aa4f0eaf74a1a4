// Command sglang is a stand-in for SGLang's server (python3 -m sglang.launch_server) on machines without GPUs.
//
// It takes SGLang's own command line (the one the operator renders; flags it does not model are accepted and ignored),
// speaks the HTTP API the operator and clients use (/health, /health_generate, /get_model_info, /v1/models,
// /v1/chat/completions with streaming, /generate, /metrics with SGLang's metric names), and forms a group the way
// torch's TCPStore does: rank 0 listens on the --dist-init-addr port and waits for --nnodes-1 ranks, which connect to it
// and hold the connection. A rank whose connection drops exits 1, as a real rank whose collective breaks dies; so a
// leader that goes breaks its workers (and their rank probes). It never dials anything but --dist-init-addr.
//
// Stand-in knobs, from the environment: DS_STANDIN_LOAD_SECONDS (model load time, default 2), DS_STANDIN_TTFT_MS
// (time to first token, default 50), DS_STANDIN_ITL_MS (time per output token, default 10). Latency grows with the
// requests running at once, and requests beyond --max-running-requests wait in a queue.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"log"
	"math"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type config struct {
	modelPath, servedName, host, distInitAddr, apiKey string
	port, nnodes, rank, maxRunning                    int
	load, ttft, itl                                   time.Duration
}

func parse(args []string) config {
	c := config{host: "127.0.0.1", port: 30000, nnodes: 1, maxRunning: 256}
	// --flag=value is --flag value.
	var words []string
	for _, a := range args {
		if k, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(k, "--") {
			words = append(words, k, v)
		} else {
			words = append(words, a)
		}
	}
	args = words
	value := func(i int) string {
		if i+1 < len(args) {
			return args[i+1]
		}
		return ""
	}
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "--model-path", "--model":
			c.modelPath = value(i)
		case "--served-model-name":
			c.servedName = value(i)
		case "--host":
			c.host = value(i)
		case "--port":
			c.port, _ = strconv.Atoi(value(i))
		case "--dist-init-addr":
			c.distInitAddr = value(i)
		case "--nnodes":
			c.nnodes, _ = strconv.Atoi(value(i))
		case "--node-rank":
			c.rank, _ = strconv.Atoi(value(i))
		case "--max-running-requests":
			c.maxRunning, _ = strconv.Atoi(value(i))
		case "--api-key":
			c.apiKey = value(i)
		case "--config":
			c.apiKey = apiKeyFromConfig(value(i), c.apiKey)
		}
	}
	if c.servedName == "" {
		c.servedName = c.modelPath
	}
	c.load = 2 * time.Second
	if v, err := strconv.ParseFloat(os.Getenv("DS_STANDIN_LOAD_SECONDS"), 64); err == nil && v >= 0 {
		c.load = time.Duration(v * float64(time.Second))
	}
	c.ttft = envDuration("DS_STANDIN_TTFT_MS", 50, time.Millisecond)
	c.itl = envDuration("DS_STANDIN_ITL_MS", 10, time.Millisecond)
	return c
}

func envDuration(name string, def int, unit time.Duration) time.Duration {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return time.Duration(v) * unit
	}
	return time.Duration(def) * unit
}

// apiKeyFromConfig reads "api-key: <JSON string>" from an SGLang --config file (how the operator passes the key).
func apiKeyFromConfig(path, current string) string {
	f, err := os.Open(path)
	if err != nil {
		log.Fatalf("--config %s: %v", path, err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		k, v, ok := strings.Cut(s.Text(), ":")
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

type server struct {
	c                config
	ready            atomic.Bool
	slots            chan struct{}
	waiting, running atomic.Int64
	tokens           atomic.Int64
	mu               sync.Mutex
	ttftBuckets      []float64
	ttftCounts       []int64
	ttftSum          float64
	ttftCount        int64
	started          time.Time
}

func main() {
	c := parse(os.Args[1:])
	s := &server{c: c, slots: make(chan struct{}, max(1, c.maxRunning)), started: time.Now(),
		ttftBuckets: []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}}
	s.ttftCounts = make([]int64, len(s.ttftBuckets))
	log.Printf("sglang stand-in: model %s served as %s, rank %d of %d, port %d", c.modelPath, c.servedName, c.rank, c.nnodes, c.port)
	group := make(chan struct{})
	go s.formGroup(group)
	go func() {
		<-group
		time.Sleep(c.load)
		s.ready.Store(true)
		log.Printf("rank %d: model loaded, serving", c.rank)
	}()
	mux := http.NewServeMux()
	mux.HandleFunc("/health", s.health)
	mux.HandleFunc("/health_generate", s.health)
	mux.HandleFunc("/get_model_info", s.auth(s.modelInfo))
	mux.HandleFunc("/v1/models", s.auth(s.models))
	mux.HandleFunc("/v1/chat/completions", s.auth(s.chat))
	mux.HandleFunc("/generate", s.auth(s.generate))
	mux.HandleFunc("/metrics", s.metrics)
	log.Fatal(http.ListenAndServe(net.JoinHostPort(c.host, strconv.Itoa(c.port)), mux))
}

// formGroup is the rendezvous: rank 0 accepts nnodes-1 connections and keeps them; the others connect and hold theirs.
// Any connection that drops ends the process: the group is broken.
func (s *server) formGroup(done chan struct{}) {
	c := s.c
	if c.nnodes <= 1 {
		close(done)
		return
	}
	_, port, err := net.SplitHostPort(c.distInitAddr)
	if err != nil {
		log.Fatalf("--dist-init-addr %q: %v", c.distInitAddr, err)
	}
	if c.rank == 0 {
		l, err := net.Listen("tcp", net.JoinHostPort("0.0.0.0", port))
		if err != nil {
			log.Fatalf("rank 0: listen on %s: %v", port, err)
		}
		joined := 0
		for {
			conn, err := l.Accept()
			if err != nil {
				log.Fatalf("rank 0: accept: %v", err)
			}
			// A rank probe connects and closes at once; a rank says "rank N" and stays.
			go func() {
				line, err := bufio.NewReader(conn).ReadString('\n')
				if err != nil || !strings.HasPrefix(line, "rank ") {
					conn.Close()
					return
				}
				log.Printf("rank 0: %s joined", strings.TrimSpace(line))
				s.mu.Lock()
				joined++
				if joined == c.nnodes-1 {
					close(done)
				}
				s.mu.Unlock()
				buf := make([]byte, 1)
				conn.Read(buf)
				log.Printf("rank 0: %s lost: the group is broken", strings.TrimSpace(line))
				os.Exit(1)
			}()
		}
	}
	var conn net.Conn
	for conn == nil {
		conn, err = net.DialTimeout("tcp", c.distInitAddr, 3*time.Second)
		if err != nil {
			log.Printf("rank %d: waiting for rank 0 at %s: %v", c.rank, c.distInitAddr, err)
			conn = nil
			time.Sleep(time.Second)
		}
	}
	fmt.Fprintf(conn, "rank %d\n", c.rank)
	close(done)
	buf := make([]byte, 1)
	conn.Read(buf)
	log.Printf("rank %d: lost rank 0 at %s: the group is broken", c.rank, c.distInitAddr)
	os.Exit(1)
}

func (s *server) health(w http.ResponseWriter, r *http.Request) {
	if !s.ready.Load() {
		http.Error(w, "loading", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (s *server) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.c.apiKey != "" && r.Header.Get("Authorization") != "Bearer "+s.c.apiKey {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":"Unauthorized"}`))
			return
		}
		if !s.ready.Load() {
			http.Error(w, "loading", http.StatusServiceUnavailable)
			return
		}
		h(w, r)
	}
}

func (s *server) modelInfo(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, map[string]any{"model_path": s.c.modelPath, "tokenizer_path": s.c.modelPath, "is_generation": true})
}

func (s *server) models(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, map[string]any{"object": "list", "data": []any{map[string]any{"id": s.c.servedName, "object": "model",
		"owned_by": "sglang", "root": s.c.modelPath}}})
}

type chatRequest struct {
	Model     string `json:"model"`
	Stream    bool   `json:"stream"`
	MaxTokens int    `json:"max_tokens"`
	Messages  []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
}

// serve runs one request through the queue and the latency model; emit gets each output token.
func (s *server) serve(maxTokens int, emit func(i int, first bool)) {
	s.waiting.Add(1)
	s.slots <- struct{}{}
	s.waiting.Add(-1)
	running := s.running.Add(1)
	defer func() {
		s.running.Add(-1)
		<-s.slots
	}()
	load := 1 + float64(running)/float64(max(1, s.c.maxRunning))
	start := time.Now()
	time.Sleep(time.Duration(float64(s.c.ttft) * load))
	s.observeTTFT(time.Since(start).Seconds())
	for i := 0; i < maxTokens; i++ {
		if i > 0 {
			time.Sleep(time.Duration(float64(s.c.itl) * load))
		}
		s.tokens.Add(1)
		emit(i, i == 0)
	}
}

func (s *server) chat(w http.ResponseWriter, r *http.Request) {
	var req chatRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Messages) == 0 {
		http.Error(w, `{"error":"a chat completion needs messages"}`, http.StatusBadRequest)
		return
	}
	n := req.MaxTokens
	if n <= 0 || n > 64 {
		n = 16
	}
	words := strings.Fields("SGLang stand-in: this answer comes from the DeepSeek operator's simulated engine, not from a model")
	id := fmt.Sprintf("chatcmpl-%d", time.Now().UnixNano())
	if !req.Stream {
		var out []string
		s.serve(n, func(i int, _ bool) { out = append(out, words[i%len(words)]) })
		writeJSON(w, map[string]any{"id": id, "object": "chat.completion", "created": time.Now().Unix(), "model": s.c.servedName,
			"choices": []any{map[string]any{"index": 0, "finish_reason": "length",
				"message": map[string]any{"role": "assistant", "content": strings.Join(out, " ")}}},
			"usage": map[string]any{"prompt_tokens": len(req.Messages), "completion_tokens": n, "total_tokens": n + len(req.Messages)}})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	flusher, _ := w.(http.Flusher)
	s.serve(n, func(i int, first bool) {
		delta := map[string]any{"content": words[i%len(words)] + " "}
		if first {
			delta["role"] = "assistant"
		}
		chunk, _ := json.Marshal(map[string]any{"id": id, "object": "chat.completion.chunk", "model": s.c.servedName,
			"choices": []any{map[string]any{"index": 0, "delta": delta}}})
		fmt.Fprintf(w, "data: %s\n\n", chunk)
		if flusher != nil {
			flusher.Flush()
		}
	})
	fmt.Fprint(w, "data: [DONE]\n\n")
}

func (s *server) generate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Text           string         `json:"text"`
		SamplingParams map[string]any `json:"sampling_params"`
	}
	json.NewDecoder(r.Body).Decode(&req)
	n := 16
	if v, ok := req.SamplingParams["max_new_tokens"].(float64); ok && v > 0 && v <= 64 {
		n = int(v)
	}
	var out []string
	s.serve(n, func(i int, _ bool) { out = append(out, "token") })
	writeJSON(w, map[string]any{"text": strings.Join(out, " "), "meta_info": map[string]any{"completion_tokens": n,
		"finish_reason": map[string]any{"type": "length", "length": n}}})
}

func (s *server) observeTTFT(v float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, b := range s.ttftBuckets {
		if v <= b {
			s.ttftCounts[i]++
		}
	}
	s.ttftSum += v
	s.ttftCount++
}

func (s *server) metrics(w http.ResponseWriter, r *http.Request) {
	label := fmt.Sprintf("{model_name=%q}", s.c.servedName)
	running, waiting := s.running.Load(), s.waiting.Load()
	elapsed := math.Max(1, time.Since(s.started).Seconds())
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	fmt.Fprintf(w, "# HELP sglang:num_running_reqs The number of running requests.\n# TYPE sglang:num_running_reqs gauge\nsglang:num_running_reqs%s %d\n", label, running)
	fmt.Fprintf(w, "# HELP sglang:num_queue_reqs The number of requests in the waiting queue.\n# TYPE sglang:num_queue_reqs gauge\nsglang:num_queue_reqs%s %d\n", label, waiting)
	fmt.Fprintf(w, "# HELP sglang:token_usage The token usage.\n# TYPE sglang:token_usage gauge\nsglang:token_usage%s %.4f\n", label,
		float64(running)/float64(max(1, s.c.maxRunning)))
	fmt.Fprintf(w, "# HELP sglang:gen_throughput The generation throughput (token/s).\n# TYPE sglang:gen_throughput gauge\nsglang:gen_throughput%s %.2f\n", label,
		float64(s.tokens.Load())/elapsed)
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprint(w, "# HELP sglang:time_to_first_token_seconds Histogram of time to first token in seconds.\n# TYPE sglang:time_to_first_token_seconds histogram\n")
	for i, b := range s.ttftBuckets {
		fmt.Fprintf(w, "sglang:time_to_first_token_seconds_bucket{model_name=%q,le=\"%g\"} %d\n", s.c.servedName, b, s.ttftCounts[i])
	}
	fmt.Fprintf(w, "sglang:time_to_first_token_seconds_bucket{model_name=%q,le=\"+Inf\"} %d\n", s.c.servedName, s.ttftCount)
	fmt.Fprintf(w, "sglang:time_to_first_token_seconds_sum%s %g\nsglang:time_to_first_token_seconds_count%s %d\n", label, s.ttftSum, label, s.ttftCount)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}
