package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	authv1 "k8s.io/api/authentication/v1"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// standinBin is where the stand-in engines appear in every container: first on the PATH.
const standinMount = "/opt/deepseek-standin"

// environment is the container's environment as the kubelet makes it: envFrom, then env in order, each value with
// $(VAR) references to earlier variables expanded; fieldRef, resourceFieldRef, secretKeyRef and configMapKeyRef
// resolved. Then HOSTNAME, a PATH with the stand-ins first, and the deployment's stand-in knobs.
func (a *agent) environment(p *v1.Pod, c v1.Container, w *podWorker) (map[string]string, error) {
	env := map[string]string{}
	var order []string
	put := func(k, v string) {
		if _, ok := env[k]; !ok {
			order = append(order, k)
		}
		env[k] = v
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, from := range c.EnvFrom {
		var data map[string]string
		switch {
		case from.SecretRef != nil:
			s, err := a.client.CoreV1().Secrets(p.Namespace).Get(ctx, from.SecretRef.Name, metaGet)
			if err != nil {
				if from.SecretRef.Optional != nil && *from.SecretRef.Optional {
					continue
				}
				return nil, fmt.Errorf("secret %q not found", from.SecretRef.Name)
			}
			data = map[string]string{}
			for k, v := range s.Data {
				data[k] = string(v)
			}
		case from.ConfigMapRef != nil:
			cm, err := a.client.CoreV1().ConfigMaps(p.Namespace).Get(ctx, from.ConfigMapRef.Name, metaGet)
			if err != nil {
				if from.ConfigMapRef.Optional != nil && *from.ConfigMapRef.Optional {
					continue
				}
				return nil, fmt.Errorf("configmap %q not found", from.ConfigMapRef.Name)
			}
			data = cm.Data
		}
		keys := make([]string, 0, len(data))
		for k := range data {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			put(from.Prefix+k, data[k])
		}
	}
	for _, e := range c.Env {
		if e.ValueFrom == nil {
			put(e.Name, expand(e.Value, env))
			continue
		}
		v, skip, err := a.valueFrom(ctx, p, c, w, e.ValueFrom)
		if err != nil {
			return nil, err
		}
		if !skip {
			put(e.Name, v)
		}
	}
	env["HOSTNAME"] = p.Name
	if p.Spec.HostNetwork {
		env["HOSTNAME"] = p.Spec.NodeName
	}
	if _, ok := env["PATH"]; !ok {
		env["PATH"] = standinMount + "/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	}
	if _, ok := env["HOME"]; !ok {
		env["HOME"] = "/root"
	}
	// The API server as the kubelet gives it to every container (KUBERNETES_SERVICE_HOST/PORT): here the agent's forward
	// on the bridge (network.forwardAPIServer), since pods' namespaces have no kube-proxy for the kubernetes Service.
	if host, port, ok := a.net.apiServerAddress(); ok {
		env["KUBERNETES_SERVICE_HOST"], env["KUBERNETES_SERVICE_PORT"], env["KUBERNETES_SERVICE_PORT_HTTPS"] = host, port, port
	}
	// What the stand-ins need to know about their pod and the simulated network: the pod's revision (prefill/decode
	// stand-ins name the revisions they pair) and the ranges they may dial.
	if rev := p.Labels["serving.deepseek-operator.io/revision"]; rev != "" {
		env["DS_STANDIN_REVISION"] = rev
	}
	env["DS_STANDIN_DIAL_CIDRS"] = a.net.podNet.String() + "," + a.net.nodeNet.String()
	for k, v := range a.knobs(p) {
		env[k] = v
	}
	return env, nil
}

func (a *agent) valueFrom(ctx context.Context, p *v1.Pod, c v1.Container, w *podWorker, from *v1.EnvVarSource) (string, bool, error) {
	switch {
	case from.FieldRef != nil:
		v, err := fieldValue(p, w, from.FieldRef.FieldPath)
		return v, false, err
	case from.ResourceFieldRef != nil:
		return resourceValue(c, from.ResourceFieldRef), false, nil
	case from.SecretKeyRef != nil:
		ref := from.SecretKeyRef
		optional := ref.Optional != nil && *ref.Optional
		s, err := a.client.CoreV1().Secrets(p.Namespace).Get(ctx, ref.Name, metaGet)
		if err != nil {
			if optional {
				return "", true, nil
			}
			return "", false, fmt.Errorf("secret %q not found", ref.Name)
		}
		v, ok := s.Data[ref.Key]
		if !ok {
			if optional {
				return "", true, nil
			}
			return "", false, fmt.Errorf("couldn't find key %s in Secret %s/%s", ref.Key, p.Namespace, ref.Name)
		}
		return string(v), false, nil
	case from.ConfigMapKeyRef != nil:
		ref := from.ConfigMapKeyRef
		optional := ref.Optional != nil && *ref.Optional
		cm, err := a.client.CoreV1().ConfigMaps(p.Namespace).Get(ctx, ref.Name, metaGet)
		if err != nil {
			if optional {
				return "", true, nil
			}
			return "", false, fmt.Errorf("configmap %q not found", ref.Name)
		}
		v, ok := cm.Data[ref.Key]
		if !ok {
			if optional {
				return "", true, nil
			}
			return "", false, fmt.Errorf("couldn't find key %s in ConfigMap %s/%s", ref.Key, p.Namespace, ref.Name)
		}
		return v, false, nil
	}
	return "", true, nil
}

var labelRef = regexp.MustCompile(`^metadata\.(labels|annotations)\['([^']*)'\]$`)

func fieldValue(p *v1.Pod, w *podWorker, path string) (string, error) {
	if m := labelRef.FindStringSubmatch(path); m != nil {
		if m[1] == "labels" {
			return p.Labels[m[2]], nil
		}
		return p.Annotations[m[2]], nil
	}
	switch path {
	case "metadata.name":
		return p.Name, nil
	case "metadata.namespace":
		return p.Namespace, nil
	case "metadata.uid":
		return string(p.UID), nil
	case "spec.nodeName":
		return p.Spec.NodeName, nil
	case "spec.serviceAccountName":
		return p.Spec.ServiceAccountName, nil
	case "status.hostIP", "status.hostIPs":
		return w.hostIPAddrLocked(), nil
	case "status.podIP", "status.podIPs":
		return w.podIP(), nil
	}
	return "", fmt.Errorf("field path %q is not supported", path)
}

func (w *podWorker) hostIPAddrLocked() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.hostIPAddr
}

func resourceValue(c v1.Container, ref *v1.ResourceFieldSelector) string {
	name, kind, _ := strings.Cut(ref.Resource, ".")
	list := c.Resources.Limits
	if name == "requests" {
		list = c.Resources.Requests
	}
	q, ok := list[v1.ResourceName(kind)]
	if !ok {
		return "0"
	}
	div := resource.MustParse("1")
	if !ref.Divisor.IsZero() {
		div = ref.Divisor
	}
	return fmt.Sprint((q.MilliValue() + div.MilliValue() - 1) / div.MilliValue())
}

// expand is the kubelet's $(VAR) expansion: defined variables are replaced, undefined references stay as they are,
// and $$ is a literal $.
func expand(s string, env map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				b.WriteByte(s[i])
				continue
			}
			name := s[i+2 : i+2+end]
			if v, ok := env[name]; ok {
				b.WriteString(v)
			} else {
				b.WriteString(s[i : i+3+end])
			}
			i += 2 + end
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func expandAll(args []string, env map[string]string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = expand(a, env)
	}
	return out
}

func envList(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

func hostsFile(p *v1.Pod, ip string) string {
	hosts := "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
	if !p.Spec.HostNetwork && ip != "" {
		name := p.Name
		if p.Spec.Hostname != "" {
			name = p.Spec.Hostname
		}
		hosts += fmt.Sprintf("%s\t%s\n", ip, name)
	}
	return hosts
}

// mounts: where each volume mount of the container comes from on this machine. emptyDir: a directory of the pod;
// hostPath: a directory of the simulated node (made on first use, as if the node had it); a claim: a directory per
// claim; Secrets and ConfigMaps: their keys written as files; projected volumes: their sources' files (a service account
// token from the TokenRequest API, ConfigMap and Secret keys, the pod's downward API fields).
func (a *agent) mounts(p *v1.Pod, c v1.Container, w *podWorker) ([]sandboxMount, error) {
	volumes := map[string]v1.Volume{}
	for _, v := range p.Spec.Volumes {
		volumes[v.Name] = v
	}
	var out []sandboxMount
	for _, m := range c.VolumeMounts {
		v, ok := volumes[m.Name]
		if !ok {
			return nil, fmt.Errorf("volume %q of mount %s is not in the pod", m.Name, m.MountPath)
		}
		src, file, err := a.volumeSource(p, w, v)
		if err != nil {
			return nil, err
		}
		if m.SubPath != "" {
			src = filepath.Join(src, m.SubPath)
			os.MkdirAll(src, 0o755)
			file = false
		}
		out = append(out, sandboxMount{Source: src, Target: m.MountPath, ReadOnly: m.ReadOnly, File: file})
	}
	return out, nil
}

func (a *agent) volumeSource(p *v1.Pod, w *podWorker, v v1.Volume) (string, bool, error) {
	podVol := filepath.Join(w.dir, "volumes", v.Name)
	switch {
	case v.EmptyDir != nil:
		return podVol, false, os.MkdirAll(podVol, 0o777)
	case v.HostPath != nil:
		path := filepath.Join(a.o.stateDir, "nodes", p.Spec.NodeName, "root", filepath.Clean("/"+v.HostPath.Path))
		t := v1.HostPathUnset
		if v.HostPath.Type != nil {
			t = *v.HostPath.Type
		}
		if t == v1.HostPathFile || t == v1.HostPathFileOrCreate || t == v1.HostPathCharDev || t == v1.HostPathBlockDev {
			os.MkdirAll(filepath.Dir(path), 0o755)
			if _, err := os.Stat(path); err != nil {
				if err := os.WriteFile(path, nil, 0o644); err != nil {
					return "", false, err
				}
			}
			return path, true, nil
		}
		return path, false, os.MkdirAll(path, 0o755)
	case v.PersistentVolumeClaim != nil:
		path := filepath.Join(a.o.stateDir, "pvc", p.Namespace, v.PersistentVolumeClaim.ClaimName)
		return path, false, os.MkdirAll(path, 0o755)
	case v.Secret != nil:
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s, err := a.client.CoreV1().Secrets(p.Namespace).Get(ctx, v.Secret.SecretName, metaGet)
		if err != nil {
			return "", false, fmt.Errorf("MountVolume.SetUp failed for volume %q: secret %q not found", v.Name, v.Secret.SecretName)
		}
		os.MkdirAll(podVol, 0o755)
		for k, data := range s.Data {
			if err := os.WriteFile(filepath.Join(podVol, k), data, 0o600); err != nil {
				return "", false, err
			}
		}
		return podVol, false, nil
	case v.ConfigMap != nil:
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		cm, err := a.client.CoreV1().ConfigMaps(p.Namespace).Get(ctx, v.ConfigMap.Name, metaGet)
		if err != nil {
			return "", false, fmt.Errorf("MountVolume.SetUp failed for volume %q: configmap %q not found", v.Name, v.ConfigMap.Name)
		}
		os.MkdirAll(podVol, 0o755)
		for k, data := range cm.Data {
			if err := os.WriteFile(filepath.Join(podVol, k), []byte(data), 0o644); err != nil {
				return "", false, err
			}
		}
		return podVol, false, nil
	case v.Projected != nil:
		return podVol, false, a.projected(p, w, podVol, v.Projected)
	default:
		return podVol, false, os.MkdirAll(podVol, 0o755)
	}
}

// projected writes a projected volume's files once, when the container starts (the token is not refreshed: the
// kubelet would at 80% of its life; the simulated cluster's pods live far less than the hour asked for).
func (a *agent) projected(p *v1.Pod, w *podWorker, dir string, v *v1.ProjectedVolumeSource) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := func(path string, data []byte) error {
		target := filepath.Join(dir, filepath.Clean("/"+path))
		os.MkdirAll(filepath.Dir(target), 0o755)
		return os.WriteFile(target, data, 0o644)
	}
	for _, src := range v.Sources {
		switch {
		case src.ServiceAccountToken != nil:
			t := src.ServiceAccountToken
			req := &authv1.TokenRequest{Spec: authv1.TokenRequestSpec{ExpirationSeconds: t.ExpirationSeconds,
				BoundObjectRef: &authv1.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: p.Name, UID: p.UID}}}
			if t.Audience != "" {
				req.Spec.Audiences = []string{t.Audience}
			}
			sa := p.Spec.ServiceAccountName
			if sa == "" {
				sa = "default"
			}
			tok, err := a.client.CoreV1().ServiceAccounts(p.Namespace).CreateToken(ctx, sa, req, metav1.CreateOptions{})
			if err != nil {
				return fmt.Errorf("MountVolume.SetUp failed for volume: token of service account %q: %v", sa, err)
			}
			if err := write(t.Path, []byte(tok.Status.Token)); err != nil {
				return err
			}
		case src.ConfigMap != nil:
			cm, err := a.client.CoreV1().ConfigMaps(p.Namespace).Get(ctx, src.ConfigMap.Name, metaGet)
			if err != nil {
				if src.ConfigMap.Optional != nil && *src.ConfigMap.Optional {
					continue
				}
				return fmt.Errorf("MountVolume.SetUp failed for volume: configmap %q not found", src.ConfigMap.Name)
			}
			data := map[string][]byte{}
			for k, s := range cm.Data {
				data[k] = []byte(s)
			}
			if err := writeItems(write, data, src.ConfigMap.Items); err != nil {
				return err
			}
		case src.Secret != nil:
			s, err := a.client.CoreV1().Secrets(p.Namespace).Get(ctx, src.Secret.Name, metaGet)
			if err != nil {
				if src.Secret.Optional != nil && *src.Secret.Optional {
					continue
				}
				return fmt.Errorf("MountVolume.SetUp failed for volume: secret %q not found", src.Secret.Name)
			}
			if err := writeItems(write, s.Data, src.Secret.Items); err != nil {
				return err
			}
		case src.DownwardAPI != nil:
			for _, item := range src.DownwardAPI.Items {
				if item.FieldRef == nil {
					continue
				}
				val, err := fieldValue(p, w, item.FieldRef.FieldPath)
				if err != nil {
					return err
				}
				if err := write(item.Path, []byte(val)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// writeItems writes the listed keys at their paths, or every key under its own name.
func writeItems(write func(string, []byte) error, data map[string][]byte, items []v1.KeyToPath) error {
	if len(items) == 0 {
		for k, d := range data {
			if err := write(k, d); err != nil {
				return err
			}
		}
		return nil
	}
	for _, it := range items {
		d, ok := data[it.Key]
		if !ok {
			return fmt.Errorf("MountVolume.SetUp failed for volume: key %q missing", it.Key)
		}
		if err := write(it.Path, d); err != nil {
			return err
		}
	}
	return nil
}

func cutPrefix(s, prefix string) (string, bool) { return strings.CutPrefix(s, prefix) }

// envName: load-seconds -> LOAD_SECONDS.
func envName(s string) string { return strings.ToUpper(strings.ReplaceAll(s, "-", "_")) }
