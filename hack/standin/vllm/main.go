// Command vllm-standin stands in for `vllm serve` (vLLM and vllm-ascend) on machines without GPUs.
//
// It takes vLLM's own command line as the operator renders it and behaves as vLLM does where an operator or a client can
// tell, with llm-d-inference-sim (vLLM's API and vllm:* metrics, load-dependent latency) doing the serving:
//
//   - Multi-node groups form first: the leader listens on --data-parallel-rpc-port (native data parallel) or
//     --master-port (--nnodes); --headless nodes connect to --data-parallel-address / --master-addr and hold the
//     connection, serve no HTTP, and exit 1 when it drops; the leader exits 1 when a node goes. Over Ray
//     (--distributed-executor-backend ray) it checks the group's Ray cluster and exits 1 when a Ray node dies.
//
//   - The API port is closed while the model loads (DS_STANDIN_LOAD_SECONDS, default 2), as vLLM listens only once its
//     engines are up.
//
//   - One API server on --port for all --data-parallel-size ranks (vLLM's internal load balancing): each rank is a
//     simulator process, requests go to the rank with the fewest in flight, and /metrics labels each rank's series with
//     engine="<rank>", as vLLM's API server exports every engine's stats. --max-num-seqs applies per rank.
//
//   - --api-key or VLLM_API_KEY guards /v1/* (401 without it); /health, /metrics, /ping and /version are open.
//
//   - SIGTERM: no new connections, requests in flight finish, exit 0.
//
//   - Prefill/decode disaggregation with --kv-transfer-config (pd.go).
//
// Knobs: DS_STANDIN_LOAD_SECONDS, DS_STANDIN_TTFT_MS (default 50), DS_STANDIN_ITL_MS (default 10).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"local.build/standin/internal/group"
	"local.build/standin/internal/serve"
)

type config struct {
	model, host, apiKey, dpAddress, masterAddr string
	served                                     []string
	port, maxNumSeqs, maxModelLen              int
	dp, dpLocal, dpRPCPort, dpStartRank        int
	nnodes, nodeRank, masterPort               int
	headless, ray                              bool
	pd                                         *pd
}

func parse(raw []string) config {
	if len(raw) > 0 && raw[0] == "serve" {
		raw = raw[1:]
	}
	a := serve.Split(raw)
	c := config{
		host:        a.Value("0.0.0.0", "--host"),
		port:        a.Int(8000, "--port"),
		apiKey:      a.Value(os.Getenv("VLLM_API_KEY"), "--api-key"),
		maxNumSeqs:  a.Int(256, "--max-num-seqs"),
		maxModelLen: a.Int(32768, "--max-model-len"),
		dp:          a.Int(1, "--data-parallel-size", "-dp"),
		dpAddress:   a.Value("", "--data-parallel-address", "-dpa"),
		dpRPCPort:   a.Int(29550, "--data-parallel-rpc-port", "-dpp"),
		dpStartRank: a.Int(0, "--data-parallel-start-rank", "-dpr"),
		nnodes:      a.Int(1, "--nnodes", "-n"),
		nodeRank:    a.Int(0, "--node-rank", "-r"),
		masterAddr:  a.Value("127.0.0.1", "--master-addr"),
		masterPort:  a.Int(29501, "--master-port"),
		headless:    a.Has("--headless"),
		ray:         a.Value("", "--distributed-executor-backend") == "ray",
	}
	c.dpLocal = a.Int(c.dp, "--data-parallel-size-local", "-dpl")
	c.pd = parsePD(a, c.dpLocal)
	if len(a) > 0 && !strings.HasPrefix(a[0], "-") {
		c.model = a[0]
	}
	c.model = a.Value(c.model, "--model")
	c.served = a.Values("--served-model-name")
	if len(c.served) == 0 {
		c.served = []string{c.model}
	}
	return c
}

func main() {
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	c := parse(os.Args[1:])
	if c.model == "" {
		log.Fatal("vllm serve: a model is required")
	}
	switch {
	case c.headless && c.dp > 1:
		headless(fmt.Sprintf("rank %d", c.dpStartRank), net.JoinHostPort(c.dpAddress, strconv.Itoa(c.dpRPCPort)))
	case c.headless:
		headless(fmt.Sprintf("rank %d", c.nodeRank), net.JoinHostPort(c.masterAddr, strconv.Itoa(c.masterPort)))
	default:
		apiServer(c)
	}
}

// headless: a node of the group without an API server; it lives as long as its connection to the leader.
func headless(who, addr string) {
	log.Printf("vllm stand-in: headless %s, leader at %s", who, addr)
	group.Join(addr, who, nil)
	serve.WaitForStop()
	log.Printf("%s: stopping", who)
}

func apiServer(c config) {
	log.Printf("vllm stand-in: model %s served as %v, port %d, %d data-parallel rank(s), %d per node",
		c.model, c.served, c.port, c.dp, c.dpLocal)
	switch {
	case c.dp > 1 && c.dpLocal < c.dp:
		waitForNodes(c.dpRPCPort, c.dp/max(1, c.dpLocal)-1)
	case c.nnodes > 1:
		waitForNodes(c.masterPort, c.nnodes-1)
	}
	if c.ray {
		go watchRay()
	}
	load := serve.LoadTime()
	log.Printf("loading the model (%s)", load)
	time.Sleep(load)
	ranks := startRanks(c)
	if c.pd != nil && c.pd.role == "kv_producer" {
		c.pd.serveSideChannel()
	}
	f := &front{c: c, ranks: ranks}
	mux := http.NewServeMux()
	mux.HandleFunc("/health", f.health)
	mux.HandleFunc("/ping", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("/version", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"version":"stand-in"}`)) })
	mux.HandleFunc("/metrics", f.metrics)
	mux.HandleFunc("/load", f.load)
	mux.HandleFunc("/v1/", f.api)
	serve.Run(net.JoinHostPort(c.host, strconv.Itoa(c.port)), mux, nil)
	for _, r := range ranks {
		r.cmd.Process.Signal(syscall.SIGTERM)
	}
}

func waitForNodes(port, want int) {
	if want <= 0 {
		return
	}
	g, err := group.Listen(port, want)
	if err != nil {
		log.Fatalf("rendezvous on port %d: %v", port, err)
	}
	log.Printf("waiting for %d node(s) on port %d", want, port)
	g.WaitAll()
}

// watchRay: the engine runs on the group's Ray cluster; when one of its nodes dies, so does vLLM.
func watchRay() {
	data, err := os.ReadFile("/tmp/ray/ray_current_cluster")
	if err != nil {
		log.Fatalf("ray: no running Ray cluster (%v); start one with ray start --head", err)
	}
	addr := strings.TrimSpace(string(data))
	first := -1
	for range time.Tick(2 * time.Second) {
		answer, err := group.Ask(addr, "nodes?")
		if err != nil {
			log.Fatalf("ray: the GCS at %s is gone: %v", addr, err)
		}
		var nodes []map[string]any
		json.Unmarshal([]byte(answer), &nodes)
		if first < 0 {
			first = len(nodes)
			log.Printf("ray: running on %d node(s)", first)
		} else if len(nodes) < first {
			log.Fatalf("ray: a node of the cluster died (%d of %d alive): the engine is dead", len(nodes), first)
		}
	}
}

// rank is one data-parallel engine: a simulator process on a port of its own.
type rank struct {
	index    int
	port     int
	cmd      *exec.Cmd
	proxy    *httputil.ReverseProxy
	inFlight atomic.Int64
	exited   atomic.Bool
}

func startRanks(c config) []*rank {
	self, _ := os.Executable()
	sim := filepath.Join(filepath.Dir(self), "llm-d-inference-sim")
	ttft := serve.Millis("DS_STANDIN_TTFT_MS", 50)
	itl := serve.Millis("DS_STANDIN_ITL_MS", 10)
	var ranks []*rank
	for i := 0; i < c.dp; i++ {
		r := &rank{index: i, port: freePort()}
		args := []string{"--model", c.model, "--port", strconv.Itoa(r.port), "--max-num-seqs", strconv.Itoa(c.maxNumSeqs),
			"--max-model-len", strconv.Itoa(c.maxModelLen),
			"--time-to-first-token", ttft.String(), "--inter-token-latency", itl.String(), "--time-factor-under-load", "2",
			"--force-dummy-tokenizer", "--seed", strconv.Itoa(1000 + i), "--zmq-endpoint", fmt.Sprintf("tcp://127.0.0.1:%d", freePort())}
		args = append(args, "--served-model-name")
		args = append(args, c.served...)
		r.cmd = exec.Command(sim, args...)
		r.cmd.Stdout, r.cmd.Stderr = prefixed(i), prefixed(i)
		r.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := r.cmd.Start(); err != nil {
			log.Fatalf("engine %d: %v", i, err)
		}
		target, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", r.port))
		r.proxy = httputil.NewSingleHostReverseProxy(target)
		r.proxy.FlushInterval = -1
		go func() {
			err := r.cmd.Wait()
			r.exited.Store(true)
			log.Fatalf("engine %d exited (%v): EngineDeadError", r.index, err)
		}()
		ranks = append(ranks, r)
	}
	for _, r := range ranks {
		for !up(r.port) {
			time.Sleep(100 * time.Millisecond)
		}
	}
	log.Printf("%d engine(s) up", len(ranks))
	return ranks
}

// freePort: the simulator of each rank listens on a port of the kernel's choosing, as vLLM's internal sockets do.
func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatalf("no free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func up(port int) bool {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/health", port))
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func prefixed(i int) io.Writer {
	pr, pw := io.Pipe()
	go func() {
		s := bufio.NewScanner(pr)
		s.Buffer(make([]byte, 64*1024), 1<<20)
		for s.Scan() {
			fmt.Fprintf(os.Stderr, "[engine %d] %s\n", i, s.Text())
		}
	}()
	return pw
}

type front struct {
	c     config
	ranks []*rank
}

func (f *front) health(w http.ResponseWriter, r *http.Request) {
	for _, rk := range f.ranks {
		if rk.exited.Load() {
			http.Error(w, "EngineDeadError", http.StatusServiceUnavailable)
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}

// api: vLLM's authentication on /v1, then the rank with the fewest requests in flight.
func (f *front) api(w http.ResponseWriter, r *http.Request) {
	if !serve.Authorized(r, f.c.apiKey) {
		serve.Unauthorized(w)
		return
	}
	best := f.ranks[0]
	for _, rk := range f.ranks[1:] {
		if rk.inFlight.Load() < best.inFlight.Load() {
			best = rk
		}
	}
	best.inFlight.Add(1)
	defer best.inFlight.Add(-1)
	if f.c.pd != nil && r.Method == http.MethodPost && (r.URL.Path == "/v1/chat/completions" || r.URL.Path == "/v1/completions") {
		f.c.pd.serve(w, r, best)
		return
	}
	best.proxy.ServeHTTP(w, r)
}

func (f *front) load(w http.ResponseWriter, r *http.Request) {
	var total int64
	for _, rk := range f.ranks {
		total += rk.inFlight.Load()
	}
	fmt.Fprintf(w, `{"server_load":%d}`, total)
}

// metrics: every rank's series with engine="<rank>"; HELP and TYPE once. The simulator does not model the KV cache
// without a tokenizer, so vllm:kv_cache_usage_perc is estimated from the running share of --max-num-seqs.
func (f *front) metrics(w http.ResponseWriter, r *http.Request) {
	type family struct {
		meta  []string
		lines []string
	}
	families := map[string]*family{}
	var order []string
	var mu sync.Mutex
	var wg sync.WaitGroup
	texts := make([]string, len(f.ranks))
	for i, rk := range f.ranks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", rk.port))
			if err != nil {
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			mu.Lock()
			texts[i] = string(b)
			mu.Unlock()
		}()
	}
	wg.Wait()
	for i, text := range texts {
		running := 0.0
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, "vllm:num_requests_running") {
				if fields := strings.Fields(line); len(fields) == 2 {
					running, _ = strconv.ParseFloat(fields[1], 64)
				}
			}
		}
		for _, line := range strings.Split(text, "\n") {
			if line == "" {
				continue
			}
			name := metricName(line)
			fam := families[name]
			if fam == nil {
				fam = &family{}
				families[name] = fam
				order = append(order, name)
			}
			if strings.HasPrefix(line, "#") {
				if i == 0 {
					fam.meta = append(fam.meta, line)
				}
				continue
			}
			line = withEngine(line, i)
			if name == "vllm:kv_cache_usage_perc" {
				fields := strings.Fields(line)
				line = fields[0] + " " + strconv.FormatFloat(min(1, running/float64(max(1, f.c.maxNumSeqs))), 'f', 4, 64)
			}
			fam.lines = append(fam.lines, line)
		}
	}
	sort.Strings(order)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	for _, name := range order {
		for _, l := range families[name].meta {
			fmt.Fprintln(w, l)
		}
		for _, l := range families[name].lines {
			fmt.Fprintln(w, l)
		}
	}
	if f.c.pd != nil && f.c.pd.role == "kv_consumer" {
		f.c.pd.transfers.Write(w, "vllm:standin_kv_transfers_total")
	}
}

// metricName: the family a sample or a HELP/TYPE line belongs to (histogram suffixes folded).
func metricName(line string) string {
	if strings.HasPrefix(line, "# ") {
		if f := strings.Fields(line); len(f) >= 3 {
			return f[2]
		}
	}
	name := line
	if i := strings.IndexAny(line, "{ "); i >= 0 {
		name = line[:i]
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		name = strings.TrimSuffix(name, suffix)
	}
	return name
}

func withEngine(line string, engine int) string {
	label := fmt.Sprintf("engine=\"%d\"", engine)
	if i := strings.Index(line, "{"); i >= 0 && (strings.Index(line, " ") < 0 || i < strings.Index(line, " ")) {
		if strings.HasPrefix(line[i+1:], "}") {
			return line[:i+1] + label + line[i+1:]
		}
		return line[:i+1] + label + "," + line[i+1:]
	}
	sp := strings.Index(line, " ")
	return line[:sp] + "{" + label + "}" + line[sp:]
}
