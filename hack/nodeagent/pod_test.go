package main

import (
	"encoding/json"
	"testing"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// A StatefulSet recreates a deleted pod under the same name at once. The worker of the deleted pod may still write
// its last status (its exited containers, its IP): it must not land on the new pod. In a CI run it did: the new leader
// got the old one's IP and restart, the operator made workers for that IP, and the StatefulSet controller deleted the
// "failed" new pod again. The kube-apiserver refuses a status patch whose metadata.uid is not the pod's ("field is
// immutable", 422; checked against v1.34 with kubectl), and applies one without a UID to whichever pod has the name;
// the fake client below answers the same way.
func TestStatusGoesOnlyToThePodWithTheWorkersUID(t *testing.T) {
	deleted := &v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "deepseek-r1-0", Namespace: "ns", UID: "old"}}
	replacement := deleted.DeepCopy()
	replacement.UID = "new"
	client := fake.NewSimpleClientset(replacement)
	patches := 0
	client.PrependReactor("patch", "pods", func(action k8stesting.Action) (bool, runtime.Object, error) {
		patches++
		var body struct {
			Metadata struct{ UID types.UID } `json:"metadata"`
		}
		if err := json.Unmarshal(action.(k8stesting.PatchAction).GetPatch(), &body); err != nil {
			t.Fatalf("patch body: %v", err)
		}
		if body.Metadata.UID != "" && body.Metadata.UID != replacement.UID {
			return true, nil, apierrors.NewInvalid(schema.GroupKind{Kind: "Pod"}, replacement.Name, field.ErrorList{
				field.Invalid(field.NewPath("metadata", "uid"), body.Metadata.UID, "field is immutable")})
		}
		return false, nil, nil
	})
	a := &agent{o: options{stateDir: t.TempDir()}, client: client}

	old := newPodWorker(a, deleted)
	old.sandboxUp, old.ip = true, "10.245.2.17"
	old.writeStatus()
	got, _ := client.CoreV1().Pods("ns").Get(t.Context(), "deepseek-r1-0", metaGet)
	if got.Status.PodIP != "" {
		t.Fatalf("the replacement pod got the deleted pod's IP %s", got.Status.PodIP)
	}
	if patches != 1 {
		t.Fatalf("a refused patch was tried %d times; want once, then given up", patches)
	}

	current := newPodWorker(a, replacement)
	current.sandboxUp, current.ip = true, "10.245.3.20"
	current.writeStatus()
	got, _ = client.CoreV1().Pods("ns").Get(t.Context(), "deepseek-r1-0", metaGet)
	if got.Status.PodIP != "10.245.3.20" {
		t.Fatalf("the pod's own worker did not write its status: IP %q", got.Status.PodIP)
	}
}
