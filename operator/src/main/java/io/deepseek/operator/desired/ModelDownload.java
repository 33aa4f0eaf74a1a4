package io.deepseek.operator.desired;

import io.deepseek.operator.api.v1alpha1.ModelSource;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.EnvVars;
import io.deepseek.operator.model.Names;
import io.deepseek.operator.model.PodEnv;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face and ModelScope sources: an init container (the engine's image, which ships the hub clients) downloads the
 * weights once per pod into the pod's model cache; the engine then reads them read-only from /models/<name>. A failed
 * download fails the init container, which the status reports (reason ModelDownloadFailed).
 */
public final class ModelDownload {
  public static final String CONTAINER = Names.MODEL_DOWNLOAD_CONTAINER;
  public static final String CACHE_VOLUME = "model-cache";
  static final String DONE_MARKER = ".download-complete";

  private ModelDownload() {}

  public static ModelSource.HubSource hub(DeploymentModel m) {
    ModelSource s = m.modelSource();
    return s.huggingFace != null ? s.huggingFace : s.modelScope;
  }

  static Volume cacheVolume(DeploymentModel m) {
    return new VolumeBuilder().withName(CACHE_VOLUME).withNewEmptyDir().withSizeLimit(hub(m).cacheSize).endEmptyDir().build();
  }

  static List<Container> initContainers(DeploymentModel m) {
    ModelSource.HubSource hub = hub(m);
    if (hub == null) {
      return List.of();
    }
    boolean hf = m.modelSource().huggingFace != null;
    List<EnvVar> env = new ArrayList<>();
    env.add(EnvVars.value("DS_MODEL_REPO", hub.repo));
    String revision = hub.revision != null ? hub.revision : m.modelRevision();
    env.add(EnvVars.value("DS_MODEL_REVISION", revision == null ? "" : revision));
    env.add(EnvVars.value("DS_MODEL_DIR", m.modelMountPath()));
    if (hub.tokenSecretRef != null) {
      env.add(EnvVars.secret(hf ? "HF_TOKEN" : "MODELSCOPE_API_TOKEN", hub.tokenSecretRef));
    }
    // Values travel as environment variables, never spliced into code; the marker makes a restarted pod skip the download.
    String python = hf
        ? "import os; from huggingface_hub import snapshot_download;"
            + " snapshot_download(repo_id=os.environ['DS_MODEL_REPO'], revision=os.environ['DS_MODEL_REVISION'] or None,"
            + " local_dir=os.environ['DS_MODEL_DIR'])"
        : "import os; from modelscope import snapshot_download; from modelscope.hub.api import HubApi;"
            + " t = os.environ.get('MODELSCOPE_API_TOKEN'); t and HubApi().login(t);"
            + " snapshot_download(os.environ['DS_MODEL_REPO'], revision=os.environ['DS_MODEL_REVISION'] or None,"
            + " local_dir=os.environ['DS_MODEL_DIR'])";
    String script = "set -e; if [ -f \"$DS_MODEL_DIR/" + DONE_MARKER + "\" ]; then echo \"$DS_MODEL_REPO already in the cache\"; exit 0; fi;"
        + " echo \"downloading $DS_MODEL_REPO from " + (hf ? "Hugging Face" : "ModelScope") + "\";"
        + " python3 -c \"" + python + "\"; touch \"$DS_MODEL_DIR/" + DONE_MARKER + "\"";
    ContainerBuilder download = new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(m.engine().image)
        .withCommand("/bin/sh", "-c", script)
        .withEnv(env)
        .addNewVolumeMount().withName(CACHE_VOLUME).withMountPath(DeploymentModel.MODELS_ROOT).endVolumeMount();
    if (m.hardened()) {
      download.withNewSecurityContext().withAllowPrivilegeEscalation(false).withNewCapabilities().withDrop("ALL")
          .endCapabilities().endSecurityContext();
    }
    return List.of(download.build());
  }
}
