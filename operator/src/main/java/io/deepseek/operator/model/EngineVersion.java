package io.deepseek.operator.model;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The engine release a deployment runs: read from the image tag (lmsysorg/sglang:v0.5.23-cu129 is 0.5.23,
 * quay.io/ascend/vllm-ascend:v0.25.1rc1-a3 is 0.25.1), else from spec.engine.version when the tag names none (a digest,
 * latest, nightly). Pre-releases and builds compare as their release: flags follow the release line.
 */
public record EngineVersion(int major, int minor, int patch) implements Comparable<EngineVersion> {
  private static final Pattern VERSION = Pattern.compile("^v?(\\d{1,4})\\.(\\d{1,4})(?:\\.(\\d{1,4}))?(?:\\.?(?:rc|post|a|b|dev)\\d*)*(?:[-+_.].*)?$");

  /** A version such as 0.5.23, v0.25.1rc1 or 0.33.0-cu129; null when the text is not one. */
  public static EngineVersion parse(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = VERSION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return null;
    }
    return new EngineVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
        m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
  }

  /** The tag of an image reference (registry:port/repo:tag@digest), or null when it has none. */
  public static String tag(String image) {
    if (image == null) {
      return null;
    }
    String ref = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int slash = ref.lastIndexOf('/');
    int colon = ref.lastIndexOf(':');
    return colon > slash ? ref.substring(colon + 1) : null;
  }

  /** The version an image's tag names, or null. */
  public static EngineVersion ofImage(String image) {
    return parse(tag(image));
  }

  public boolean atLeast(EngineVersion other) {
    return compareTo(other) >= 0;
  }

  @Override
  public int compareTo(EngineVersion o) {
    int c = Integer.compare(major, o.major);
    c = c != 0 ? c : Integer.compare(minor, o.minor);
    return c != 0 ? c : Integer.compare(patch, o.patch);
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch;
  }
}
