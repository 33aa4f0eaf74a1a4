package io.deepseek.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HashesTest {
  /** The hashes name revisions and mark what the operator wrote: they may never change with how they are computed. */
  @Test
  void aHashIsTheSha256OfTheCanonicalJson() throws Exception {
    StatefulSet s = new StatefulSetBuilder().withNewMetadata().withName("deepseek-r1").withLabels(Map.of("b", "2", "a", "1"))
        .endMetadata().withNewSpec().withReplicas(2).withNewTemplate().withNewSpec().addNewContainer().withName("engine")
        .withArgs("--model-path", "/models/DeepSeek-R1", "--tp", "16").endContainer().endSpec().endTemplate().endSpec().build();
    String json = "{\"apiVersion\":\"apps/v1\",\"kind\":\"StatefulSet\",\"metadata\":{\"labels\":{\"a\":\"1\",\"b\":\"2\"},"
        + "\"name\":\"deepseek-r1\"},\"spec\":{\"replicas\":2,\"template\":{\"spec\":{\"containers\":[{\"args\":[\"--model-path\","
        + "\"/models/DeepSeek-R1\",\"--tp\",\"16\"],\"name\":\"engine\"}]}}}}";
    assertThat(Json.text(s)).isEqualTo(json);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
    assertThat(Hashes.of(s, 10)).isEqualTo(sha.substring(0, 10));
    assertThat(Hashes.of(s, 64)).isEqualTo(sha);
    assertThat(Hashes.ofString(json, 10)).isEqualTo(sha.substring(0, 10));
  }
}
