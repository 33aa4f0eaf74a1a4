package io.deepseek.operator.api;

import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.util.Comparator;
import java.util.List;

/** The generator sorts printer columns by JSON path; kubectl shows them in file order, so put them in reading order. */
class PrinterColumnOrder implements CRDPostProcessor {
  private static final List<String> ORDER = List.of("Ready", "Engine", "Model", "Nodes/Group", "Accelerator", "Status", "Age");

  @Override
  public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
    if (crd instanceof CustomResourceDefinition v1) {
      v1.getSpec().getVersions().forEach(version -> {
        List<CustomResourceColumnDefinition> columns = version.getAdditionalPrinterColumns();
        if (columns != null) {
          columns.sort(Comparator.comparingInt(c -> {
            int i = ORDER.indexOf(c.getName());
            return i < 0 ? ORDER.size() : i;
          }));
        }
      });
    }
    return crd;
  }
}
