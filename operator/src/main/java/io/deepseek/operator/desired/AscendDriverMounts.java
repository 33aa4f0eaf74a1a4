package io.deepseek.operator.desired;

import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's Ascend driver libraries and tools (seed 003's docker -v list), read-only, for clusters whose container
 * runtime does not inject them. The NPU devices themselves come from the device plugin with the resource request.
 */
final class AscendDriverMounts {
  record Mount(String name, String path, String type) {}

  static final List<Mount> MOUNTS = List.of(
      new Mount("ascend-dcmi", "/usr/local/dcmi", "Directory"),
      new Mount("ascend-npu-smi", "/usr/local/bin/npu-smi", "File"),
      new Mount("ascend-driver-lib64", "/usr/local/Ascend/driver/lib64", "Directory"),
      new Mount("ascend-driver-version", "/usr/local/Ascend/driver/version.info", "File"),
      new Mount("ascend-install-info", "/etc/ascend_install.info", "File"),
      new Mount("ascend-hccn-conf", "/etc/hccn.conf", "File"),
      new Mount("ascend-hccn-tool", "/usr/bin/hccn_tool", "File"),
      new Mount("ascend-driver-hccn-tool", "/usr/local/Ascend/driver/tools/hccn_tool", "File"));

  private AscendDriverMounts() {}

  static List<Volume> volumes() {
    List<Volume> v = new ArrayList<>();
    MOUNTS.forEach(m -> v.add(new VolumeBuilder().withName(m.name()).withNewHostPath().withPath(m.path()).withType(m.type())
        .endHostPath().build()));
    return v;
  }

  static List<VolumeMount> mounts() {
    List<VolumeMount> v = new ArrayList<>();
    MOUNTS.forEach(m -> v.add(new VolumeMountBuilder().withName(m.name()).withMountPath(m.path()).withReadOnly(true).build()));
    return v;
  }
}
