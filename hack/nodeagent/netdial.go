package main

import (
	"context"
	"net"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// dialFrom connects from inside a network namespace, as the kubelet of a node probes from that node: a thread of its
// own joins the namespace, makes the connection (a socket stays in the namespace it was made in), and ends with it.
func dialFrom(ctx context.Context, netns, address string) (net.Conn, error) {
	type result struct {
		conn net.Conn
		err  error
	}
	done := make(chan result, 1)
	go func() {
		// Never unlocked: the thread leaves the agent's namespace for good and exits with this goroutine.
		runtime.LockOSThread()
		f, err := os.Open("/run/netns/" + netns)
		if err != nil {
			done <- result{nil, err}
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			done <- result{nil, err}
			return
		}
		c, err := (&net.Dialer{}).DialContext(ctx, "tcp", address)
		done <- result{c, err}
	}()
	r := <-done
	return r.conn, r.err
}
