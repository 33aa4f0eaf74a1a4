package io.deepseek.operator.validation;

import io.deepseek.operator.api.v1alpha1.EngineSpec;
import io.deepseek.operator.api.v1alpha1.EngineType;
import io.deepseek.operator.api.v1alpha1.SpeculativeSpec.SpeculativeMethod;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.EngineVersion;
import io.deepseek.operator.model.ModelCatalog;
import java.util.ArrayList;
import java.util.List;

/**
 * What the engine release a deployment runs can do: the model (the catalog's first release per engine) and the typed
 * fields that need a release of their own. A release nothing names (a digest, latest, no spec.engine.version) is not
 * judged: its flags are written in the pinned releases' spelling, which the newer releases still accept.
 */
public final class EngineSupport {
  /** vLLM's own multi-node launch (--nnodes, --node-rank, --master-addr, --headless): before it, only Ray. */
  static final EngineVersion VLLM_NATIVE_MULTI_NODE = new EngineVersion(0, 12, 0);
  /** SGLang's data-parallel attention (--enable-dp-attention), introduced with SGLang v0.4 (lmsys blog, 2024-12-04). */
  static final EngineVersion SGLANG_DP_ATTENTION = new EngineVersion(0, 4, 0);

  private EngineSupport() {}

  public static List<String> check(DeploymentModel m) {
    List<String> p = new ArrayList<>();
    EngineSpec e = m.engine();
    EngineVersion tag = EngineVersion.ofImage(e.image);
    EngineVersion said = EngineVersion.parse(e.version);
    if (e.version != null && said == null) {
      p.add("spec.engine.version: '" + e.version + "' is not a release such as 0.5.23");
    } else if (tag != null && said != null && !tag.equals(said)) {
      p.add("spec.engine.version: " + said + " disagrees with the image tag " + EngineVersion.tag(e.image) + " (" + tag
          + "); remove spec.engine.version or make the two agree");
    }
    ModelCatalog.Identified id = m.identified();
    if (id.entry().isPresent() && Boolean.TRUE.equals(mtp(e)) && !id.entry().get().family().mtp() && m.draftPath() == null) {
      p.add("spec.engine.speculative: " + id.entry().get().name() + " has no multi-token-prediction module (DeepSeek-V3,"
          + " R1 and their successors have one); use method EAGLE with draft weights in spec.model.draftPath, or remove"
          + " spec.engine.speculative");
    }
    EngineVersion v = m.engineVersion();
    if (v == null || !p.isEmpty()) {
      return p;
    }
    String engine = m.engineType().displayName() + " " + v;
    if (id.entry().isPresent()) {
      ModelCatalog.Entry entry = id.entry().get();
      ModelCatalog.Support s = entry.family().engines().get(m.engineType());
      EngineVersion since = s == null ? null : s.sinceVersion();
      if (since != null && !v.atLeast(since)) {
        p.add("spec.engine.image: " + engine + " cannot serve " + entry.name() + " (" + architecture(entry) + "); "
            + m.engineType().displayName() + " " + since + " or later can (" + s.source() + ")");
      }
    }
    if (m.engineType() != EngineType.SGLang && m.multiNode() && m.data() <= 1 && e.multiNode != EngineSpec.MultiNode.Ray
        && !v.atLeast(VLLM_NATIVE_MULTI_NODE)) {
      p.add("spec.engine.multiNode: " + engine + " runs one engine over several nodes only with Ray; its own multi-node"
          + " launch (--nnodes, --headless) arrived in " + VLLM_NATIVE_MULTI_NODE + ": set engine.multiNode: Ray, or run "
          + m.engineType().displayName() + " " + VLLM_NATIVE_MULTI_NODE + " or later");
    }
    if (m.engineType() == EngineType.SGLang && Boolean.TRUE.equals(e.dataParallelAttention) && !v.atLeast(SGLANG_DP_ATTENTION)) {
      p.add("spec.engine.dataParallelAttention: " + engine + " has no data-parallel attention; it arrived in SGLang "
          + SGLANG_DP_ATTENTION);
    }
    return p;
  }

  private static Boolean mtp(EngineSpec e) {
    return e.speculative != null && e.speculative.method != null && e.speculative.method != SpeculativeMethod.EAGLE;
  }

  private static String architecture(ModelCatalog.Entry entry) {
    String a = entry.family().architecture();
    return a.contains(" ") ? a.substring(0, a.indexOf(' ')) : a;
  }

}
