package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// sandboxSpec is what a container gets: its command, environment and mounts, and the pod's name and hosts file.
type sandboxSpec struct {
	Argv     []string       `json:"argv"`
	Env      []string       `json:"env"`
	WorkDir  string         `json:"workDir,omitempty"`
	Hostname string         `json:"hostname"`
	Hosts    string         `json:"hosts"`
	Mounts   []sandboxMount `json:"mounts"`
	Standins string         `json:"standins"`
	Scratch  string         `json:"scratch"`
}

type sandboxMount struct {
	Source   string `json:"source"`
	Target   string `json:"target"`
	ReadOnly bool   `json:"readOnly,omitempty"`
	File     bool   `json:"file,omitempty"`
}

// sandbox is the container runtime's last step, run by `ip netns exec <pod namespace>`, which has already given this
// process a mount namespace of its own. The container sees this machine's files through an overlay (its writes stay
// in memory and go with it), a /tmp and /dev/shm of its own, the pod's volumes at their mount paths, the stand-in
// engines at /opt/deepseek-standin, and the pod's name as hostname; then the container's command replaces this process.
// File descriptor 3 tells the agent: closed by the exec when the command started, or a message if it could not.
func sandbox(specFile string) {
	syscall.CloseOnExec(3)
	report := os.NewFile(3, "report")
	fail := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		fmt.Fprintln(os.Stderr, msg)
		if report != nil {
			report.WriteString(msg)
		}
		os.Exit(128)
	}
	data, err := os.ReadFile(specFile)
	if err != nil {
		fail("sandbox spec: %v", err)
	}
	var s sandboxSpec
	if err := json.Unmarshal(data, &s); err != nil {
		fail("sandbox spec: %v", err)
	}
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		fail("make mounts private: %v", err)
	}
	if err := syscall.Unshare(syscall.CLONE_NEWUTS); err == nil && s.Hostname != "" {
		syscall.Sethostname([]byte(s.Hostname))
	}
	scratch := s.Scratch
	must := func(what string, err error) {
		if err != nil {
			fail("%s: %v", what, err)
		}
	}
	os.MkdirAll(scratch, 0o755)
	must("scratch tmpfs", syscall.Mount("tmpfs", scratch, "tmpfs", 0, "size=512m,mode=0755"))
	for _, d := range []string{"upper", "work", "root"} {
		must("scratch dirs", os.MkdirAll(filepath.Join(scratch, d), 0o755))
	}
	root := filepath.Join(scratch, "root")
	must("overlay root", syscall.Mount("overlay", root, "overlay", 0,
		fmt.Sprintf("lowerdir=/,upperdir=%s/upper,workdir=%s/work", scratch, scratch)))
	bind := func(src, target string, rec, ro, file bool) {
		dst := inRoot(root, target)
		if file {
			must("mount point "+target, os.MkdirAll(filepath.Dir(dst), 0o755))
			if _, err := os.Stat(dst); err != nil {
				must("mount point "+target, os.WriteFile(dst, nil, 0o644))
			}
		} else {
			must("mount point "+target, os.MkdirAll(dst, 0o755))
		}
		flags := uintptr(syscall.MS_BIND)
		if rec {
			flags |= syscall.MS_REC
		}
		must("mount "+target, syscall.Mount(src, dst, "", flags, ""))
		if ro {
			must("read-only "+target, syscall.Mount("", dst, "", flags|syscall.MS_REMOUNT|syscall.MS_RDONLY, ""))
		}
	}
	bind("/proc", "/proc", true, false, false)
	bind("/sys", "/sys", true, false, false)
	bind("/dev", "/dev", true, false, false)
	for _, d := range []string{"/tmp", "/dev/shm", "/run"} {
		dst := inRoot(root, d)
		must("mount point "+d, os.MkdirAll(dst, 0o1777))
		must("tmpfs "+d, syscall.Mount("tmpfs", dst, "tmpfs", 0, "mode=1777"))
	}
	if s.Standins != "" {
		bind(s.Standins, standinMount, false, true, false)
	}
	for _, m := range s.Mounts {
		bind(m.Source, m.Target, true, m.ReadOnly, m.File)
	}
	must("/etc/hosts", os.WriteFile(filepath.Join(root, "etc/hosts"), []byte(s.Hosts), 0o644))
	must("/etc/hostname", os.WriteFile(filepath.Join(root, "etc/hostname"), []byte(s.Hostname+"\n"), 0o644))
	must("chroot", syscall.Chroot(root))
	wd := s.WorkDir
	if wd == "" {
		wd = "/"
	}
	os.MkdirAll(wd, 0o755)
	must("working directory", os.Chdir(wd))
	path := "/usr/bin:/bin"
	for _, kv := range s.Env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	os.Setenv("PATH", path)
	bin, err := exec.LookPath(s.Argv[0])
	if err != nil {
		fail("exec: %q: executable file not found in $PATH", s.Argv[0])
	}
	err = syscall.Exec(bin, s.Argv, s.Env)
	fail("exec %s: %v", bin, err)
}

// inRoot is target's place under root, following symbolic links as the container will see them: an absolute link
// (Debian's /var/run -> /run) resolves under root, not on this machine, so /var/run/secrets lands in the container's
// /run.
func inRoot(root, target string) string {
	parts := strings.Split(filepath.Clean("/"+target), "/")[1:]
	resolved := "/"
	for hops := 0; len(parts) > 0 && hops < 40; {
		next := filepath.Join(resolved, parts[0])
		link, err := os.Readlink(filepath.Join(root, next))
		if err != nil {
			resolved, parts = next, parts[1:]
			continue
		}
		hops++
		if !filepath.IsAbs(link) {
			link = filepath.Join(resolved, link)
		}
		parts = append(strings.Split(filepath.Clean(link), "/")[1:], parts[1:]...)
		resolved = "/"
	}
	return filepath.Join(root, resolved)
}
