package io.deepseek.operator.validation;

import io.deepseek.operator.api.v1alpha1.AcceleratorProduct;
import io.deepseek.operator.model.DeploymentModel;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * DeepSeek-aware sizing: the known DeepSeek models must fit the group's accelerator memory with room for the KV cache,
 * or the deployment is refused with what would fit. Unknown models and deployments without accelerator.product are not
 * judged. Weights in GB from the model cards and the engines' docs (shared/research/engines.md section 5).
 */
public final class Sizing {
  /** Share of the weights added for KV cache and activations: the least a server needs to run at all. */
  static final double KV_HEADROOM = 0.10;
  /** SGLang's and vLLM's default share of device memory they use. */
  static final double DEFAULT_MEMORY_FRACTION = 0.90;

  record Model(String label, double weightsGb, boolean fp8) {}

  private Sizing() {}

  /** The model a deployment serves, if it is a known DeepSeek model. */
  static Optional<Model> identify(DeploymentModel m) {
    String name = m.modelName() == null ? "" : m.modelName().toLowerCase(Locale.ROOT);
    String q = m.engine().quantization == null ? "" : m.engine().quantization.toLowerCase(Locale.ROOT);
    if (name.contains("distill")) {
      for (Object[] d : new Object[][] {{"qwen-1.5b", 3.5}, {"qwen-7b", 15.2}, {"llama-8b", 16.1}, {"qwen-14b", 29.5},
          {"qwen-32b", 65.5}, {"llama-70b", 141.1}}) {
        if (name.contains((String) d[0])) {
          return Optional.of(new Model(label(m, name), (double) d[1], false));
        }
      }
      return Optional.empty();
    }
    if (!(name.contains("deepseek-r1") || name.contains("deepseek-v3"))) {
      return Optional.empty();
    }
    String label = label(m, name);
    if (name.contains("w4a8")) {
      return Optional.of(new Model(label + " W4A8", 376, false));
    }
    if (name.contains("w8a8") || name.contains("int8")) {
      return Optional.of(new Model(label + " W8A8", 647, false));
    }
    if (name.contains("bf16") || q.equals("bf16")) {
      return Optional.of(new Model(label + " BF16", 1340, false));
    }
    if (name.contains("awq") || q.equals("awq")) {
      return Optional.empty();
    }
    return Optional.of(new Model(label + " FP8", 690, true));
  }

  /** DeepSeek-R1 or DeepSeek-V3 for the 671B models; a distill's own name (its last path segment) otherwise. */
  private static String label(DeploymentModel m, String lowerName) {
    if (lowerName.contains("distill")) {
      return m.modelName().substring(m.modelName().lastIndexOf('/') + 1);
    }
    return lowerName.contains("deepseek-v3") ? "DeepSeek-V3" : "DeepSeek-R1";
  }

  public static List<String> check(DeploymentModel m) {
    AcceleratorProduct product = m.product();
    Optional<Model> model = identify(m);
    if (product == null || model.isEmpty()) {
      return List.of();
    }
    Model md = model.get();
    if (md.fp8() && !product.fp8()) {
      return List.of("spec.model: " + md.label() + " weights need FP8 hardware, which " + product.displayName() + " does not have;"
          + (m.ascend() ? " use W8A8 weights (e.g. vllm-ascend/DeepSeek-R1-W8A8)" : " use the BF16 weights (about 1340 GB)"));
    }
    double fraction = m.engine().memoryFraction == null ? DEFAULT_MEMORY_FRACTION : m.engine().memoryFraction;
    double need = md.weightsGb() * (1 + KV_HEADROOM);
    double have = (double) m.nodes() * m.perNode() * product.memoryGb() * fraction;
    if (need <= have) {
      return List.of();
    }
    int nodes = m.nodes() + 1;
    while (nodes <= 64 && ((double) nodes * m.perNode() * product.memoryGb() * fraction < need
        || Integer.bitCount(nodes * m.perNode()) != 1)) {
      nodes++;
    }
    return List.of(String.format(Locale.ROOT,
        "spec.accelerator: %s needs about %.0f GB (%.0f GB of weights plus %.0f%% for the KV cache); %d node%s x %d x %d GB"
            + " = %d GB, of which the engine uses %.0f%%; %s",
        md.label(), need, md.weightsGb(), KV_HEADROOM * 100, m.nodes(), m.nodes() == 1 ? "" : "s", m.perNode(),
        product.memoryGb(), m.nodes() * m.perNode() * product.memoryGb(), fraction * 100,
        nodes <= 64 ? "use parallelism.nodes >= " + nodes : "use a larger accelerator"));
  }
}
