// Package group forms a serving group for the stand-in engines the way the real ones do: rank 0 listens on the
// rendezvous port (torch's TCPStore, vLLM's data-parallel RPC port, Ray's GCS); every other rank connects, says who it
// is and holds the connection for as long as it lives. A connection that drops breaks the group: the rank that notices
// exits 1, as a real rank whose collective breaks dies. A probe that connects and closes (the operator's rank probe)
// is not a member. Lines after the hello carry what rank 0 tells a member (the load on the member's ranks).
package group

import (
	"bufio"
	"fmt"
	"log"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Leader is rank 0's side of the rendezvous.
type Leader struct {
	want    int
	mu      sync.Mutex
	members map[string]net.Conn
	all     chan struct{}
	formed  bool
	// Query answers a line that is not a hello (Ray's "nodes?"); nil closes such connections.
	Query func(line string) string
	// KeepOnLoss: a member that goes is forgotten instead of breaking the group (Ray's GCS outlives its nodes).
	KeepOnLoss bool
}

// Listen opens the rendezvous port on every address of the pod and waits in the background for want members.
func Listen(port int, want int) (*Leader, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort("0.0.0.0", strconv.Itoa(port)))
	if err != nil {
		return nil, err
	}
	l := &Leader{want: want, members: map[string]net.Conn{}, all: make(chan struct{})}
	if want <= 0 {
		l.formed = true
		close(l.all)
	}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				log.Fatalf("rendezvous: accept: %v", err)
			}
			go l.serve(conn)
		}
	}()
	return l, nil
}

func (l *Leader) serve(conn net.Conn) {
	r := bufio.NewReader(conn)
	line, err := r.ReadString('\n')
	if err != nil {
		conn.Close() // a probe: connected, then closed
		return
	}
	line = strings.TrimSpace(line)
	who, ok := strings.CutPrefix(line, "hello ")
	if !ok {
		if l.Query != nil {
			fmt.Fprintln(conn, l.Query(line))
		}
		conn.Close()
		return
	}
	l.mu.Lock()
	l.members[who] = conn
	n := len(l.members)
	if n >= l.want && !l.formed {
		l.formed = true
		close(l.all)
	}
	l.mu.Unlock()
	log.Printf("rendezvous: %s joined (%d of %d)", who, n, l.want)
	buf := make([]byte, 1)
	got, err := conn.Read(buf)
	// How the connection ended (EOF: the member closed it; a reset: nothing at its address knew it; data: the member
	// said something it never says) tells a rank's death from a network fault when a test fails.
	how := fmt.Sprintf("from %s, read %d byte(s), %v", conn.RemoteAddr(), got, err)
	if l.KeepOnLoss {
		l.mu.Lock()
		delete(l.members, who)
		l.mu.Unlock()
		log.Printf("rendezvous: %s lost (%s)", who, how)
		return
	}
	log.Printf("rendezvous: %s lost (%s): the group is broken", who, how)
	os.Exit(1)
}

// Names of the members joined, sorted.
func (l *Leader) Names() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for who := range l.members {
		out = append(out, who)
	}
	sort.Strings(out)
	return out
}

// WaitAll blocks until every member has joined.
func (l *Leader) WaitAll() { <-l.all }

// Members is the number of members joined so far.
func (l *Leader) Members() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.members)
}

// Tell sends one line to a member, if it is there.
func (l *Leader) Tell(who, line string) {
	l.mu.Lock()
	conn := l.members[who]
	l.mu.Unlock()
	if conn != nil {
		conn.SetWriteDeadline(time.Now().Add(time.Second))
		fmt.Fprintln(conn, line)
	}
}

// Join connects to rank 0 at addr (retrying until it answers, as a real rank waits for its store), says who it is,
// and then hands every line rank 0 sends to onLine. When the connection drops, the process exits 1.
func Join(addr, who string, onLine func(string)) {
	var conn net.Conn
	for {
		c, err := net.DialTimeout("tcp", addr, 3*time.Second)
		if err == nil {
			conn = c
			break
		}
		log.Printf("%s: waiting for rank 0 at %s: %v", who, addr, err)
		time.Sleep(time.Second)
	}
	fmt.Fprintf(conn, "hello %s\n", who)
	log.Printf("%s: joined rank 0 at %s", who, addr)
	go func() {
		s := bufio.NewScanner(conn)
		s.Buffer(make([]byte, 64*1024), 1<<20)
		for s.Scan() {
			if onLine != nil {
				onLine(s.Text())
			}
		}
		log.Printf("%s: lost rank 0 at %s: the group is broken", who, addr)
		os.Exit(1)
	}()
}

// Ask sends one query line to a rendezvous port and returns the answer line.
func Ask(addr, query string) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, 3*time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintln(conn, query)
	line, err := bufio.NewReader(conn).ReadString('\n')
	return strings.TrimSpace(line), err
}
