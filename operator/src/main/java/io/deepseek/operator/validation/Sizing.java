package io.deepseek.operator.validation;

import io.deepseek.operator.api.v1alpha1.AcceleratorProduct;
import io.deepseek.operator.api.v1alpha1.ModelSpec;
import io.deepseek.operator.model.DeploymentModel;
import io.deepseek.operator.model.ModelCatalog;
import java.util.List;
import java.util.Locale;

/**
 * DeepSeek-aware sizing: the known DeepSeek models must fit the group's accelerator memory with room for the KV cache,
 * or the deployment is refused with what would fit. Unknown models and deployments without accelerator.product are not
 * judged. Weights in GB per numeric format from the model catalog (catalog/deepseek-models.yaml, every figure with its
 * source); the format is spec.model.precision, else what the model name says, else the format the model is published in.
 */
public final class Sizing {
  /** Share of the weights added for KV cache and activations: the least a server needs to run at all. */
  static final double KV_HEADROOM = 0.10;
  /** SGLang's and vLLM's default share of device memory they use. */
  static final double DEFAULT_MEMORY_FRACTION = 0.90;

  private Sizing() {}

  public static List<String> check(DeploymentModel m) {
    AcceleratorProduct product = m.product();
    ModelCatalog.Identified id = m.identified();
    DeploymentModel.Precision precision = m.precision();
    if (product == null || id.entry().isEmpty() || precision == null) {
      return List.of();
    }
    ModelCatalog.Entry model = id.entry().get();
    String label = model.name() + " " + precision.value();
    if (precision.value() == ModelSpec.Precision.FP8 && !product.fp8()) {
      ModelCatalog.Weights bf16 = model.family().weights().get(ModelSpec.Precision.BF16);
      String says = "precision FP8 from " + precision.from();
      return List.of("spec.model: " + label + " weights need FP8 hardware, which " + product.displayName() + " does not have ("
          + says + "); " + (m.ascend() ? "use W8A8 weights (e.g. vllm-ascend/DeepSeek-R1-W8A8)"
              : "use BF16 weights" + (bf16 != null && bf16.gb() != null ? String.format(Locale.ROOT, " (about %.0f GB)", bf16.gb()) : ""))
          + ", and when the weights at spec.model.source are in another format say so in spec.model.precision (BF16, W8A8 or W4A8)");
    }
    ModelCatalog.Weights weights = model.family().weights().get(precision.value());
    if (weights == null || weights.gb() == null || (id.otherFormat() && !"spec.model.precision".equals(precision.from()))) {
      // A format the catalog has no size for (e.g. AWQ) is not judged.
      return List.of();
    }
    double weightsGb = weights.gb();
    double fraction = m.engine().memoryFraction == null ? DEFAULT_MEMORY_FRACTION : m.engine().memoryFraction;
    double need = weightsGb * (1 + KV_HEADROOM);
    double have = (double) m.nodes() * m.perNode() * product.memoryGb() * fraction;
    if (need <= have) {
      return List.of();
    }
    int nodes = nodesNeeded(weightsGb, m.perNode(), product, fraction, m.nodes() + 1);
    return List.of(String.format(Locale.ROOT,
        "spec.accelerator: %s needs about %.0f GB (%.0f GB of weights plus %.0f%% for the KV cache); %d node%s x %d x %d GB"
            + " = %d GB, of which the engine uses %.0f%%; %s",
        label, need, weightsGb, KV_HEADROOM * 100, m.nodes(), m.nodes() == 1 ? "" : "s", m.perNode(),
        product.memoryGb(), m.nodes() * m.perNode() * product.memoryGb(), fraction * 100,
        nodes <= 64 ? "use parallelism.nodes >= " + nodes : "use a larger accelerator"));
  }

  /**
   * The fewest nodes, from {@code from}, of {@code perNode} devices that hold the weights plus the KV headroom with a power
   * of two devices in all (tensor parallelism splits attention heads evenly); 65 when 64 nodes do not.
   */
  public static int nodesNeeded(double weightsGb, int perNode, AcceleratorProduct product, double fraction, int from) {
    double need = weightsGb * (1 + KV_HEADROOM);
    int nodes = Math.max(1, from);
    while (nodes <= 64 && ((double) nodes * perNode * product.memoryGb() * fraction < need
        || Integer.bitCount(nodes * perNode) != 1)) {
      nodes++;
    }
    return nodes;
  }
}
