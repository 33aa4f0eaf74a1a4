package io.deepseek.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostPathPolicyTest {
  final HostPathPolicy defaults = HostPathPolicy.defaults();

  @Test
  void modelDirectoriesUnderTheDefaultPrefixesAreAllowed() {
    assertThat(defaults.check("f", "/data/models/DeepSeek-R1")).isEmpty();
    assertThat(defaults.check("f", "/mnt/nvme/weights/")).isEmpty();
    assertThat(defaults.check("f", "/models")).isEmpty();
  }

  @Test
  void theRootSystemDirectoriesAndLookalikesAreRefused() {
    assertThat(defaults.check("f", "/")).get().asString().contains("is not under a directory this operator allows");
    assertThat(defaults.check("f", "/etc")).get().asString().contains("not under");
    assertThat(defaults.check("f", "/database/models")).as("a prefix is a whole path segment").isPresent();
    assertThat(defaults.check("f", "/data/../etc/kubernetes")).get().asString().contains("must not contain . or ..");
    assertThat(defaults.check("f", "data/models")).get().asString().contains("absolute");
  }

  @Test
  void aBroadAdministratorPrefixNeverOpensSystemDirectories() {
    HostPathPolicy broad = new HostPathPolicy(List.of("/"));
    assertThat(broad.check("f", "/srv/models")).isEmpty();
    assertThat(broad.check("f", "/var/lib/kubelet/pods")).get().asString().contains("system directory /var/lib/kubelet");
    assertThat(broad.check("f", "/root/.ssh")).get().asString().contains("system directory /root");
  }

  @Test
  void anExplicitPrefixInsideASystemDirectoryIsTheAdministratorsChoice() {
    HostPathPolicy hfCache = new HostPathPolicy(List.of("/root/.cache/huggingface"));
    assertThat(hfCache.check("f", "/root/.cache/huggingface/DeepSeek-V3")).isEmpty();
    assertThat(hfCache.check("f", "/root/.ssh")).isPresent();
  }

  @Test
  void blankOrRelativePrefixesAreRefusedNeverReadAsAllowAll() {
    assertThatThrownBy(() -> new HostPathPolicy(List.of("/data", " "))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blank entries are refused");
    assertThatThrownBy(() -> new HostPathPolicy(List.of("models"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HostPathPolicy(List.of("/data/../etc"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HostPathPolicy(List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void etcdsDataIsASystemDirectory() {
    assertThat(new HostPathPolicy(List.of("/")).check("f", "/var/lib/etcd/member")).get().asString()
        .contains("system directory /var/lib/etcd");
  }
}
