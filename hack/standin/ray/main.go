// Command ray-standin stands in for Ray's `ray start` in a serving group on machines without GPUs.
//
//   - `ray start --head --port=P [--node-ip-address=IP] [--block]` starts the cluster's GCS on port P and writes its
//     address to /tmp/ray/ray_current_cluster, as Ray does; without --block it leaves the GCS running in the background
//     (in the container, like Ray's daemons) and returns 0.
//   - `ray start --address=HEAD:P [--node-ip-address=IP] --block` joins the cluster and holds the connection; when the
//     head goes, the node exits 1.
//   - `ray status` prints the alive nodes; `ray stop` stops the GCS started in this container.
//
// The cluster answers "nodes?" with the alive nodes in the shape of ray.nodes(), which the stand-in Python module
// `ray` (hack/standin/rootfs/pylib/ray) reads, so the operator's own wait-for-the-cluster script runs unchanged.
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"local.build/standin/internal/group"
	"local.build/standin/internal/serve"
)

const currentCluster = "/tmp/ray/ray_current_cluster"

func main() {
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	if len(os.Args) < 2 {
		log.Fatal("usage: ray start|status|stop ...")
	}
	a := serve.Split(os.Args[2:])
	switch os.Args[1] {
	case "start":
		start(a)
	case "__gcs":
		gcs(a.Int(6379, "--port"), a.Value("127.0.0.1", "--node-ip-address"))
	case "status":
		status()
	case "stop":
		stop()
	default:
		log.Fatalf("ray %s: not simulated", os.Args[1])
	}
}

func start(a serve.Args) {
	ip := a.Value(os.Getenv("VLLM_HOST_IP"), "--node-ip-address")
	if ip == "" {
		ip = "127.0.0.1"
	}
	if a.Has("--head") {
		port := a.Int(6379, "--port")
		if a.Has("--block") {
			gcs(port, ip)
			return
		}
		self, _ := os.Executable()
		cmd := exec.Command(self, "__gcs", "--port", strconv.Itoa(port), "--node-ip-address", ip)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Start(); err != nil {
			log.Fatalf("ray start --head: %v", err)
		}
		addr := fmt.Sprintf("%s:%d", ip, port)
		for i := 0; ; i++ {
			if _, err := group.Ask(fmt.Sprintf("127.0.0.1:%d", port), "nodes?"); err == nil {
				break
			}
			if i > 100 {
				log.Fatalf("ray start --head: the GCS did not come up on port %d", port)
			}
			time.Sleep(100 * time.Millisecond)
		}
		fmt.Printf("Ray runtime started.\nTo add another node to this Ray cluster, run\n  ray start --address='%s'\n", addr)
		return
	}
	addr := a.Value("", "--address")
	if addr == "" {
		log.Fatal("ray start: --address or --head is required")
	}
	group.Join(addr, "node "+ip, nil)
	if !a.Has("--block") {
		log.Fatal("ray start without --block: the stand-in only runs blocking worker nodes")
	}
	serve.WaitForStop()
}

// gcs is the cluster's control store: it records the nodes that join and answers "nodes?" with those alive.
func gcs(port int, ip string) {
	os.MkdirAll("/tmp/ray", 0o755)
	l, err := group.Listen(port, 0)
	if err != nil {
		log.Fatalf("ray GCS on port %d: %v", port, err)
	}
	l.KeepOnLoss = true
	l.Query = func(line string) string {
		if line != "nodes?" {
			return "{}"
		}
		nodes := []map[string]any{{"NodeManagerAddress": ip, "Alive": true, "IsHead": true}}
		for _, who := range l.Names() {
			nodes = append(nodes, map[string]any{"NodeManagerAddress": strings.TrimPrefix(who, "node "), "Alive": true})
		}
		data, _ := json.Marshal(nodes)
		return string(data)
	}
	if err := os.WriteFile(currentCluster, []byte(fmt.Sprintf("%s:%d\n", ip, port)), 0o644); err != nil {
		log.Fatalf("ray GCS: %v", err)
	}
	os.WriteFile("/tmp/ray/gcs.pid", []byte(strconv.Itoa(os.Getpid())), 0o644)
	log.Printf("ray GCS on %s:%d", ip, port)
	serve.WaitForStop()
}

func status() {
	data, err := os.ReadFile(currentCluster)
	if err != nil {
		log.Fatal("no Ray cluster is running here")
	}
	answer, err := group.Ask(strings.TrimSpace(string(data)), "nodes?")
	if err != nil {
		log.Fatalf("the GCS does not answer: %v", err)
	}
	var nodes []map[string]any
	json.Unmarshal([]byte(answer), &nodes)
	fmt.Printf("Active nodes: %d\n", len(nodes))
}

func stop() {
	data, err := os.ReadFile("/tmp/ray/gcs.pid")
	if err != nil {
		return
	}
	if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil {
		syscall.Kill(pid, syscall.SIGTERM)
	}
}
