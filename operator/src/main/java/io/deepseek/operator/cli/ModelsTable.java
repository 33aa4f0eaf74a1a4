package io.deepseek.operator.cli;

import io.deepseek.operator.api.v1alpha1.AcceleratorProduct;
import io.deepseek.operator.api.v1alpha1.AcceleratorType;
import io.deepseek.operator.api.v1alpha1.ModelSpec.Precision;
import io.deepseek.operator.model.ModelCatalog;
import io.deepseek.operator.validation.Sizing;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code dsctl models}: the known DeepSeek models and the hardware each format needs, computed with the same rule as the
 * sizing check (weights plus 10% for the KV cache within 90% of device memory, a power of two devices in all), so a user
 * picks hardware before writing YAML.
 */
final class ModelsTable {
  private ModelsTable() {}

  static String render(ModelCatalog catalog, boolean sources) {
    StringBuilder out = new StringBuilder();
    for (ModelCatalog.Entry e : catalog.entries()) {
      ModelCatalog.Family f = e.family();
      List<String> about = new ArrayList<>();
      if (e.model().released() != null) {
        about.add("released " + e.model().released());
      }
      about.add(f.architecture());
      about.add("MTP " + (f.mtp() ? "yes" : "no"));
      List<String> engines = new ArrayList<>();
      f.engines().forEach((type, s) -> engines.add(type.displayName() + (s.since() != null ? " " + s.since() + " or later"
          : " (documented with " + s.documented() + ")")));
      if (!engines.isEmpty()) {
        about.add(String.join(", ", engines));
      }
      out.append(e.name()).append(": ").append(String.join("; ", about)).append('\n');
      if (e.model().note() != null) {
        out.append("  note: ").append(e.model().note()).append('\n');
      }
      for (Map.Entry<Precision, ModelCatalog.Weights> w : f.weights().entrySet()) {
        String fits = w.getValue().gb() == null ? w.getValue().note() : fits(w.getKey(), w.getValue().gb());
        String size = w.getValue().gb() == null ? "size ?" : String.format(Locale.ROOT, "%.0f GB", w.getValue().gb());
        out.append(String.format(Locale.ROOT, "  %-5s %8s  %s%s%n", w.getKey(), size,
            w.getKey() == f.defaultPrecision() ? "(published) " : "", fits));
        if (sources) {
          out.append("        source: ").append(w.getValue().source()).append('\n');
        }
      }
      if (sources) {
        f.engines().forEach((type, s) -> out.append("  ").append(type.displayName()).append(": ").append(s.source()).append('\n'));
        out.append("  model card: ").append(e.model().source()).append('\n');
      }
    }
    out.append("""

        A model is matched by the last segment of spec.model.name without its precision word (DeepSeek-R1-0528-W8A8 is
        DeepSeek-R1-0528 in W8A8); set spec.model.precision when the name does not say. Sizes: weights plus 10% for the KV
        cache within 90% of device memory, a power of two devices in all; Atlas 800 A3 nodes have 16 NPU dies
        (Ascend910C), A2 nodes 8. Other models are not judged.""");
    return out.toString();
  }

  /** "2 x H100-80GB; 8 x H200-141GB; 2 nodes of 8 x H100-80GB; ...", fewest devices first. */
  static String fits(Precision precision, double gb) {
    record Fit(int devices, int perNode, AcceleratorProduct product) {}
    List<Fit> fits = new ArrayList<>();
    for (AcceleratorProduct p : AcceleratorProduct.values()) {
      boolean ascend = p.type() == AcceleratorType.AscendNPU;
      boolean usable = switch (precision) {
        case FP8 -> p.fp8();
        case BF16 -> !ascend;
        case W8A8, W4A8 -> ascend;
      };
      if (!usable) {
        continue;
      }
      int perNode = p == AcceleratorProduct.ASCEND_910C_64GB ? 16 : 8;
      // Within one node, the fewest devices (a power of two); beyond it, whole nodes.
      int devices = 1;
      while (devices < perNode && devices * p.memoryGb() * 0.90 < gb * 1.10) {
        devices *= 2;
      }
      if (devices * p.memoryGb() * 0.90 < gb * 1.10) {
        int nodes = Sizing.nodesNeeded(gb, perNode, p, 0.90, 1);
        devices = nodes > 64 ? 0 : nodes * perNode;
      }
      if (devices > 0) {
        fits.add(new Fit(devices, perNode, p));
      }
    }
    fits.sort(Comparator.comparingInt(Fit::devices).thenComparingInt((Fit f) -> (f.devices() + f.perNode() - 1) / f.perNode())
        .thenComparingInt(f -> -f.product().memoryGb()));
    List<String> parts = new ArrayList<>();
    for (Fit f : fits) {
      parts.add(f.devices() <= f.perNode() ? f.devices() + " x " + f.product().displayName()
          : f.devices() / f.perNode() + " nodes of " + f.perNode() + " x " + f.product().displayName());
    }
    return parts.isEmpty() ? "no known accelerator" : String.join("; ", parts);
  }
}
