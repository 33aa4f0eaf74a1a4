"""Makes kwok v0.8.0 delete a pod only if it is still the pod it saw (a UID precondition), as the kubelet does since
kubernetes/kubernetes#25224. Without it, kwok's queued deletion of a StatefulSet pod deletes the pod the StatefulSet
controller has since created under the same name, again and again under load (hack/chaos.sh's long run: recreated
leader pods deleted within seconds, nothing settled). A pod that another pod has replaced, or that is gone, counts as
deleted. Run by hack/build-binaries.sh on a copy of the module; fails if the code it patches is not there."""
import sys

path = sys.argv[1]
src = open(path).read()
old = """	err := c.typedClient.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, deleteOpt)
	if err != nil {
		return err
	}
"""
new = """	opt := deleteOpt
	opt.Preconditions = metav1.NewUIDPreconditions(string(pod.UID))
	err := c.typedClient.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, opt)
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		logger.Info("Pod already replaced or gone")
		return nil
	}
	if err != nil {
		return err
	}
"""
if src.count(old) != 1:
    sys.exit("kwok patch: the delete call of deleteResource was not found once in " + path)
src = src.replace(old, new)
imp = '\tcorev1 "k8s.io/api/core/v1"\n'
if imp not in src:
    sys.exit("kwok patch: the import block was not found in " + path)
src = src.replace(imp, imp + '\tapierrors "k8s.io/apimachinery/pkg/api/errors"\n', 1)
open(path, "w").write(src)
