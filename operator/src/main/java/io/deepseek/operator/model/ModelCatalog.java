package io.deepseek.operator.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.deepseek.operator.api.v1alpha1.EngineType;
import io.deepseek.operator.api.v1alpha1.ModelSpec.Precision;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DeepSeek models the operator knows, read from catalog/deepseek-models.yaml (data with a source for every figure):
 * the weights per numeric format, the engine releases that can serve each model, and its MTP module. Pure after loading.
 */
public final class ModelCatalog {
  public static final String RESOURCE = "catalog/deepseek-models.yaml";

  public record Weights(Double gb, String note, String source) {}

  /** An engine's support: the first release that serves the family (refused below it), or a release documented to. */
  public record Support(String since, String documented, String source) {
    public EngineVersion sinceVersion() {
      return EngineVersion.parse(since);
    }
  }

  public record Family(String architecture, boolean mtp, Precision defaultPrecision, Map<Precision, Weights> weights,
      Map<EngineType, Support> engines) {
    public Family {
      weights = weights == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(weights));
      engines = engines == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(engines));
    }
  }

  public record Model(String name, String family, String released, List<String> aliases, String note, String source) {}

  record Data(Map<String, Family> families, List<Model> models) {}

  /** A known model, with its family. */
  public record Entry(Model model, Family family) {
    public String name() {
      return model.name();
    }
  }

  /**
   * What a model name says: the catalog entry (or none), the precision word it carries (or null), and whether it names a
   * format the catalog has no figures for (AWQ, GPTQ, GGUF, FP4: its size is not judged).
   */
  public record Identified(Optional<Entry> entry, Precision precisionInName, boolean otherFormat) {}

  private static final Pattern PRECISION_WORD = Pattern.compile("-(fp8|bf16|w8a8|w4a8|int8|block-int8)(?=-|$)");
  private static final Pattern OTHER_FORMAT = Pattern.compile("-(awq|gptq|gguf|fp4|nvfp4|mxfp4|int4|w4a16|exl2)(?=-|$)");

  private static final ModelCatalog DEFAULT = load();

  private final Map<String, Family> families;
  private final List<Model> models;
  private final Map<String, Entry> byAlias = new LinkedHashMap<>();

  ModelCatalog(Map<String, Family> families, List<Model> models) {
    this.families = Collections.unmodifiableMap(new LinkedHashMap<>(families));
    this.models = List.copyOf(models);
    for (Model m : models) {
      Family f = families.get(m.family());
      if (f == null) {
        throw new IllegalStateException(RESOURCE + ": model " + m.name() + " names an unknown family " + m.family());
      }
      if (f.defaultPrecision() == null || !f.weights().containsKey(f.defaultPrecision())) {
        throw new IllegalStateException(RESOURCE + ": family " + m.family() + " has no weights for its default precision");
      }
      for (String alias : m.aliases()) {
        if (byAlias.put(alias.toLowerCase(Locale.ROOT), new Entry(m, f)) != null) {
          throw new IllegalStateException(RESOURCE + ": alias " + alias + " is listed twice");
        }
      }
    }
  }

  public static ModelCatalog get() {
    return DEFAULT;
  }

  private static ModelCatalog load() {
    try (InputStream in = ModelCatalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      Data data = YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build().readValue(in, Data.class);
      return new ModelCatalog(data.families(), data.models());
    } catch (IOException e) {
      throw new UncheckedIOException(RESOURCE + " cannot be read", e);
    }
  }

  public List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    models.forEach(m -> out.add(new Entry(m, families.get(m.family()))));
    return out;
  }

  /** The model a spec.model.name names, matched on its last path segment without the precision word. */
  public Identified identify(String modelName) {
    if (modelName == null || modelName.isBlank()) {
      return new Identified(Optional.empty(), null, false);
    }
    String last = modelName.substring(modelName.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    Precision inName = null;
    Matcher p = PRECISION_WORD.matcher(last);
    while (p.find()) {
      inName = switch (p.group(1)) {
        case "fp8" -> Precision.FP8;
        case "bf16" -> Precision.BF16;
        case "w4a8" -> Precision.W4A8;
        default -> Precision.W8A8;
      };
    }
    String base = PRECISION_WORD.matcher(last).replaceAll("");
    boolean other = OTHER_FORMAT.matcher(base).find();
    base = OTHER_FORMAT.matcher(base).replaceAll("");
    return new Identified(Optional.ofNullable(byAlias.get(base)), inName, other);
  }
}
