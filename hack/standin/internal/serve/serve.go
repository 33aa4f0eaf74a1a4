// Package serve holds what the stand-in engines share: their knobs, command-line reading, and an HTTP server that
// shuts down the way the engines' servers do on SIGTERM (stop accepting, finish the requests in flight, exit 0).
package serve

import (
	"context"
	"encoding/json"
	"errors"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Args is an engine command line with --flag=value split into --flag value.
type Args []string

func Split(raw []string) Args {
	var out Args
	for _, a := range raw {
		if k, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(k, "--") {
			out = append(out, k, v)
		} else {
			out = append(out, a)
		}
	}
	return out
}

// Value is the value of the last occurrence of any of the names, or def.
func (a Args) Value(def string, names ...string) string {
	v := def
	for i := 0; i < len(a); i++ {
		for _, n := range names {
			if a[i] == n && i+1 < len(a) {
				v = a[i+1]
			}
		}
	}
	return v
}

// Values is every value of the name (a flag that takes several values takes those up to the next flag).
func (a Args) Values(name string) []string {
	var out []string
	for i := 0; i < len(a); i++ {
		if a[i] != name {
			continue
		}
		for j := i + 1; j < len(a) && !strings.HasPrefix(a[j], "--"); j++ {
			out = append(out, a[j])
		}
	}
	return out
}

func (a Args) Int(def int, names ...string) int {
	if v, err := strconv.Atoi(a.Value("", names...)); err == nil {
		return v
	}
	return def
}

func (a Args) Has(name string) bool {
	for _, x := range a {
		if x == name {
			return true
		}
	}
	return false
}

// Seconds reads a knob in seconds (fractions allowed) from the environment.
func Seconds(name string, def float64) time.Duration {
	if v, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil && v >= 0 {
		return time.Duration(v * float64(time.Second))
	}
	return time.Duration(def * float64(time.Second))
}

// Millis reads a knob in milliseconds from the environment.
func Millis(name string, def int) time.Duration {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v >= 0 {
		return time.Duration(v) * time.Millisecond
	}
	return time.Duration(def) * time.Millisecond
}

// LoadTime is how long loading the model takes (DS_STANDIN_LOAD_SECONDS, default 2 s).
func LoadTime() time.Duration { return Seconds("DS_STANDIN_LOAD_SECONDS", 2) }

// Run serves h on addr until SIGTERM or SIGINT, then stops accepting connections, lets the requests in flight finish
// and returns; the caller exits 0. onStop runs first (it may mark the server as going away).
func Run(addr string, h http.Handler, onStop func()) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatalf("listen %s: %v", addr, err)
	}
	RunOn(ln, h, onStop)
}

func RunOn(ln net.Listener, h http.Handler, onStop func()) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 30 * time.Second}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	done := make(chan struct{})
	go func() {
		s := <-stop
		log.Printf("%v: no new requests; finishing the ones in flight", s)
		if onStop != nil {
			onStop()
		}
		srv.Shutdown(context.Background())
		close(done)
	}()
	log.Printf("serving on %s", ln.Addr())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("serve: %v", err)
	}
	<-done
	log.Printf("all requests finished; exiting")
}

// WaitForStop blocks until SIGTERM or SIGINT.
func WaitForStop() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
}

// Unauthorized is the OpenAI-style refusal both engines send without the right key.
func Unauthorized(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
	w.Write([]byte(`{"error":"Unauthorized"}`))
}

// WriteJSON answers v as JSON with the status code.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// WriteError is the OpenAI-style error both engines answer with.
func WriteError(w http.ResponseWriter, code int, msg string) {
	WriteJSON(w, code, map[string]any{"object": "error", "message": msg, "code": code})
}

// Authorized: no key configured, or the request carries it as a bearer token.
func Authorized(r *http.Request, key string) bool {
	return key == "" || r.Header.Get("Authorization") == "Bearer "+key
}
