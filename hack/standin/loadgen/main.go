// Command loadgen sends a bounded, steady load of OpenAI chat completions to one endpoint and reports every request, as
// a client of the deployment sees it. It runs in the local cluster's client network namespace (hack/cluster/net.sh),
// where kube-proxy makes Service addresses work; it refuses to dial anything but loopback and the cluster's own
// ranges.
//
//	loadgen -url http://10.96.0.12:8000/v1/chat/completions -model deepseek-r1 -rate 20 -duration 60s \
//	        [-key K] [-max-tokens 16] [-stream] [-stop FILE] [-timeout 60s] [-requests FILE] [-allow CIDR,...]
//
// Requests start at -rate per second (open loop: a slow server does not slow the sender), each with its own timeout.
// The load stops after -duration or as soon as the -stop file exists. The last line printed is a JSON summary
// (sent, ok, failed by cause, latency percentiles, answers by system_fingerprint); -requests writes one JSON line per request (start and end as
// Unix milliseconds, status, error) for timelines.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

type result struct {
	Start  int64  `json:"start"`
	End    int64  `json:"end"`
	Status int    `json:"status"`
	Error  string `json:"error,omitempty"`
	// Fingerprint is the answer's system_fingerprint (the prefill/decode stand-ins name the revisions that served it).
	Fingerprint string `json:"fingerprint,omitempty"`
	// Retried: sent again once because a kept-alive connection was closed before any answer (see send).
	Retried bool `json:"retried,omitempty"`
}

type summary struct {
	Sent   int `json:"sent"`
	OK     int `json:"ok"`
	Failed int `json:"failed"`
	// Retried counts the requests sent a second time (a kept-alive connection closed under them, before any answer).
	Retried int            `json:"retried"`
	Causes  map[string]int `json:"causes"`
	P50Ms   float64        `json:"p50Ms"`
	P99Ms   float64        `json:"p99Ms"`
	MaxMs   float64        `json:"maxMs"`
	// Fingerprints counts the successful answers by system_fingerprint, where they have one.
	Fingerprints map[string]int `json:"fingerprints,omitempty"`
	FirstFail    int64          `json:"firstFailure,omitempty"`
	LastFail     int64          `json:"lastFailure,omitempty"`
	Seconds      float64        `json:"seconds"`
}

func main() {
	target := flag.String("url", "", "the chat completions URL")
	model := flag.String("model", "", "the served model name")
	key := flag.String("key", "", "API key (Authorization: Bearer)")
	rate := flag.Float64("rate", 10, "requests started per second")
	duration := flag.Duration("duration", 30*time.Second, "how long to send")
	maxTokens := flag.Int("max-tokens", 16, "max_tokens of each request")
	stream := flag.Bool("stream", false, "stream the answers (server-sent events)")
	stopFile := flag.String("stop", "", "stop sending as soon as this file exists")
	timeout := flag.Duration("timeout", 60*time.Second, "timeout of one request")
	requestsFile := flag.String("requests", "", "write one JSON line per request to this file")
	allow := flag.String("allow", "10.0.0.0/8", "comma-separated CIDRs the target may be in (besides loopback)")
	flag.Parse()
	u, err := url.Parse(*target)
	if err != nil || u.Host == "" {
		log.Fatalf("-url %q: not a URL", *target)
	}
	checkAllowed(u.Hostname(), *allow)

	// ignore_eos: every answer is max_tokens long (vLLM and SGLang take it), so the load does not depend on the text.
	body, _ := json.Marshal(map[string]any{"model": *model, "max_tokens": *maxTokens, "stream": *stream, "ignore_eos": true,
		"messages": []map[string]string{{"role": "user", "content": "What is the capital of France?"}}})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, IdleConnTimeout: 30 * time.Second,
		DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext}}

	var mu sync.Mutex
	var results []result
	var wg sync.WaitGroup
	start := time.Now()
	interval := time.Duration(float64(time.Second) / *rate)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for time.Since(start) < *duration {
		if *stopFile != "" {
			if _, err := os.Stat(*stopFile); err == nil {
				break
			}
		}
		<-ticker.C
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := send(client, u.String(), *key, body, *stream, *timeout)
			mu.Lock()
			results = append(results, r)
			mu.Unlock()
		}()
	}
	wg.Wait()
	s := summarize(results, time.Since(start))
	if *requestsFile != "" {
		f, err := os.Create(*requestsFile)
		if err != nil {
			log.Fatal(err)
		}
		w := bufio.NewWriter(f)
		sort.Slice(results, func(i, j int) bool { return results[i].Start < results[j].Start })
		for _, r := range results {
			line, _ := json.Marshal(r)
			w.Write(append(line, '\n'))
		}
		w.Flush()
		f.Close()
	}
	out, _ := json.Marshal(s)
	fmt.Println(string(out))
}

// closedUnderUs: the server closed the connection without answering (end of stream, or reset).
func closedUnderUs(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		strings.Contains(err.Error(), "server closed idle connection")
}

// checkAllowed: the target is loopback or in one of the allowed ranges; a name is refused (nothing here resolves).
func checkAllowed(host, allow string) {
	ip := net.ParseIP(host)
	if ip == nil {
		log.Fatalf("%s: give an IP address, not a name", host)
	}
	if ip.IsLoopback() {
		return
	}
	for _, c := range strings.Split(allow, ",") {
		if _, n, err := net.ParseCIDR(strings.TrimSpace(c)); err == nil && n.Contains(ip) {
			return
		}
	}
	log.Fatalf("%s is outside the allowed ranges %s", host, allow)
}

// send makes one request; a success is a 200 whose whole answer arrived (for a stream, the [DONE] event).
//
// A request sent on a kept-alive connection that the server closes before answering anything (a pod that stops closes
// its idle connections; one may be in use by then) is sent once more, as OpenAI's client libraries do with connection
// errors, and counted as retried. Nothing else is retried: not a refused or failed new connection, not an error
// status, not an answer cut off.
func send(client *http.Client, target, key string, body []byte, stream bool, timeout time.Duration) result {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	r := result{Start: time.Now().UnixMilli()}
	attempt := func() (*http.Response, bool, error) {
		reused := false
		trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) { reused = info.Reused }}
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodPost, target, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		resp, err := client.Do(req)
		return resp, reused, err
	}
	resp, reused, err := attempt()
	if err != nil && reused && ctx.Err() == nil && closedUnderUs(err) {
		r.Retried = true
		resp, _, err = attempt()
	}
	if err != nil {
		r.End, r.Error = time.Now().UnixMilli(), cause(err)
		return r
	}
	defer resp.Body.Close()
	r.Status = resp.StatusCode
	data, err := io.ReadAll(resp.Body)
	r.End = time.Now().UnixMilli()
	switch {
	case err != nil:
		r.Error = "answer cut off: " + cause(err)
	case resp.StatusCode != http.StatusOK:
		r.Error = fmt.Sprintf("HTTP %d", resp.StatusCode)
	case stream && !bytes.Contains(data, []byte("data: [DONE]")):
		r.Error = "stream ended without [DONE]"
	case !stream && !bytes.Contains(data, []byte(`"choices"`)):
		r.Error = "no choices in the answer"
	}
	if m := fingerprint.FindSubmatch(data); m != nil {
		json.Unmarshal(m[1], &r.Fingerprint)
	}
	return r
}

var fingerprint = regexp.MustCompile(`"system_fingerprint"\s*:\s*("(?:[^"\\]|\\.)*")`)

func cause(err error) string {
	s := err.Error()
	for _, c := range []string{"connection refused", "connection reset", "timeout", "deadline exceeded", "EOF", "no route to host", "unreachable"} {
		if strings.Contains(s, c) {
			return c
		}
	}
	return s
}

func summarize(results []result, elapsed time.Duration) summary {
	s := summary{Sent: len(results), Causes: map[string]int{}, Seconds: elapsed.Seconds()}
	var ms []float64
	for _, r := range results {
		if r.Retried {
			s.Retried++
		}
		if r.Error == "" {
			s.OK++
			if r.Fingerprint != "" {
				if s.Fingerprints == nil {
					s.Fingerprints = map[string]int{}
				}
				s.Fingerprints[r.Fingerprint]++
			}
			ms = append(ms, float64(r.End-r.Start))
			continue
		}
		s.Failed++
		s.Causes[r.Error]++
		if s.FirstFail == 0 || r.Start < s.FirstFail {
			s.FirstFail = r.Start
		}
		if r.Start > s.LastFail {
			s.LastFail = r.Start
		}
	}
	sort.Float64s(ms)
	if len(ms) > 0 {
		s.P50Ms = ms[len(ms)*50/100]
		s.P99Ms = ms[min(len(ms)-1, len(ms)*99/100)]
		s.MaxMs = ms[len(ms)-1]
	}
	return s
}
