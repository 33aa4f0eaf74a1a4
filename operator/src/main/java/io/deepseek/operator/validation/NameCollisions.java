package io.deepseek.operator.validation;

import io.deepseek.operator.api.v1alpha1.DeepSeekDeployment;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Two deployments of one namespace whose children would share names: {@code x} makes {@code x-pods}, {@code x-<group>},
 * {@code x-<group>-<rank>} and {@code x-<revision>}, so a deployment named {@code x-pods}, {@code x-0} or {@code x-0-1}
 * would fight {@code x} over the same Services, StatefulSets and pods. The one created later is refused; the older one
 * runs on untouched.
 */
public final class NameCollisions {
  /** What follows {@code <name>-} in the names a deployment generates. */
  static final Pattern GENERATED_SUFFIX = Pattern.compile("^(pods|[0-9]+(-[0-9]+)?|[0-9a-f]{10})$");
  /** Oldest first (creation time, then name): who keeps a name, and who is counted first against a ceiling. */
  static final Comparator<DeepSeekDeployment> OLDEST_FIRST = Comparator
      .comparing((DeepSeekDeployment x) -> Objects.requireNonNullElse(x.getMetadata().getCreationTimestamp(), "9999"))
      .thenComparing(x -> x.getMetadata().getName());

  private NameCollisions() {}

  /** @param sameNamespace the deployments of d's namespace (d itself may be among them) */
  public static List<String> check(DeepSeekDeployment d, Collection<DeepSeekDeployment> sameNamespace) {
    List<String> problems = new ArrayList<>();
    String name = d.getMetadata().getName();
    for (DeepSeekDeployment other : sameNamespace) {
      String theirs = other.getMetadata().getName();
      // Only a name that begins with the other can clash: the cheap test first, for namespaces of thousands.
      if (theirs.length() == name.length() || !(name.startsWith(theirs) || theirs.startsWith(name))
          || OLDEST_FIRST.compare(other, d) > 0) {
        continue;
      }
      String clash = null;
      if (generates(theirs, name)) {
        clash = "DeepSeekDeployment " + theirs + " (older) names its own objects " + name + " like this one";
      } else if (generates(name, theirs)) {
        clash = "this deployment would name its own objects " + theirs + ", which is the older DeepSeekDeployment " + theirs;
      }
      if (clash != null) {
        problems.add("metadata.name: " + clash + ", so both would fight over the same Services, StatefulSets and pods;"
            + " choose a name that is not another deployment's name followed by -<number>, -pods or -<10 hex digits>");
      }
    }
    return problems;
  }

  /**
   * The deployments {@link #check} needs to see for {@code name}, found by lookups instead of a scan of the namespace (a
   * reconcile of each of 1000 deployments in one namespace would otherwise go through the other 999): those whose children
   * {@code name} looks like (each of its {@link #roots}, by name) and those that look like its children (an index of every
   * deployment by its roots). {@code check(d, candidates(...))} finds what {@code check(d, all)} finds.
   *
   * @param byName a deployment of the namespace by name
   * @param byRoot the deployments of the namespace among whose {@link #roots} the given name is
   */
  public static List<DeepSeekDeployment> candidates(String name, Function<String, Optional<DeepSeekDeployment>> byName,
      Function<String, List<DeepSeekDeployment>> byRoot) {
    List<DeepSeekDeployment> near = new ArrayList<>();
    for (String root : roots(name)) {
      byName.apply(root).ifPresent(near::add);
    }
    near.addAll(byRoot.apply(name));
    return near;
  }

  /** The names of the deployments that would generate {@code name} for a child: {@code a} and {@code a-1} for {@code a-1-2}. */
  public static List<String> roots(String name) {
    List<String> roots = new ArrayList<>(2);
    for (int dash = name.indexOf('-'); dash >= 0; dash = name.indexOf('-', dash + 1)) {
      if (dash > 0 && GENERATED_SUFFIX.matcher(name.substring(dash + 1)).matches()) {
        roots.add(name.substring(0, dash));
      }
    }
    return roots;
  }

  /** Whether deployment {@code owner} generates {@code name} (or names that start with it) for its children. */
  static boolean generates(String owner, String name) {
    return name.startsWith(owner + "-") && GENERATED_SUFFIX.matcher(name.substring(owner.length() + 1)).matches();
  }
}
