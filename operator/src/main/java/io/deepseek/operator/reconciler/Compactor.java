package io.deepseek.operator.reconciler;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes a fabric8 model object, and every model object it holds, take less heap without changing what it reads as:
 * <ul>
 *   <li>an empty {@code additionalProperties} map (every model object has one, for fields its class does not know) is
 *       replaced by one shared empty map;</li>
 *   <li>its strings are interned, so that the namespaces, label values, owner kinds, node names, phases and condition
 *       types that thousands of cached objects repeat are held once (JSON field names, the maps' keys, are already
 *       shared by Jackson). The few strings that are unique by design (UIDs, resource versions, container IDs) are left
 *       alone, as is a ControllerRevision's data.</li>
 * </ul>
 * For objects that are only read from now on (an informer's store): the shared map cannot be added to, while
 * serialization, builders and copies read it like any other (a builder copies it into a new map).
 */
final class Compactor {
  private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";
  private static final String EXTRA = "additionalProperties";
  /** Fields whose strings are unique by design, or (a ControllerRevision's data, kept as JSON text) large. */
  private static final Set<String> UNIQUE = Set.of("uid", "resourceVersion", "containerID", "data");
  private static final Map<String, Object> SHARED = Collections.emptyMap();

  /** Per model class: its instance fields that hold objects, accessible (looked up once per class). */
  private static final ClassValue<List<Field>> FIELDS = new ClassValue<>() {
    @Override
    protected List<Field> computeValue(Class<?> type) {
      List<Field> fields = new ArrayList<>();
      for (Class<?> c = type; c != null && isModel(c); c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive() && !UNIQUE.contains(f.getName())) {
            f.setAccessible(true);
            fields.add(f);
          }
        }
      }
      return List.copyOf(fields);
    }
  };

  private Compactor() {}

  /** Compacts the object in place; returns how many maps and strings it replaced. */
  static int compact(Object object) {
    return visit(object, 0);
  }

  static boolean isModel(Class<?> type) {
    return type.getName().startsWith(MODEL_PACKAGE);
  }

  private static int visit(Object o, int depth) {
    if (o == null || depth > 64 || o instanceof String) {
      return 0;
    }
    if (o instanceof ArrayList<?> list) {
      return list((List<?>) list, depth);
    }
    if (o instanceof Collection<?> items) {
      int n = 0;
      for (Object item : items) {
        n += visit(item, depth + 1);
      }
      return n;
    }
    if (o instanceof HashMap<?, ?> map) {
      return map(map, depth);
    }
    if (o instanceof Map<?, ?> map) {
      int n = 0;
      for (Object value : map.values()) {
        n += visit(value, depth + 1);
      }
      return n;
    }
    return isModel(o.getClass()) ? model(o, depth) : 0;
  }

  private static int model(Object o, int depth) {
    int n = 0;
    try {
      for (Field f : FIELDS.get(o.getClass())) {
        Object value = f.get(o);
        if (value instanceof String s) {
          String shared = s.intern();
          if (shared != s) {
            f.set(o, shared);
            n++;
          }
        } else if (EXTRA.equals(f.getName()) && value instanceof Map<?, ?> extra && extra.isEmpty()) {
          if (extra != SHARED) {
            f.set(o, SHARED);
            n++;
          }
        } else {
          n += visit(value, depth + 1);
        }
      }
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot compact " + o.getClass().getName(), e);
    }
    return n;
  }

  /** A list as Jackson makes it (an ArrayList, so its elements can be set). */
  @SuppressWarnings("unchecked")
  private static int list(List<?> list, int depth) {
    int n = 0;
    for (int i = 0; i < list.size(); i++) {
      Object item = list.get(i);
      if (item instanceof String s) {
        String shared = s.intern();
        if (shared != s) {
          ((List<Object>) list).set(i, shared);
          n++;
        }
      } else {
        n += visit(item, depth + 1);
      }
    }
    return n;
  }

  /**
   * A map as Jackson makes it (a LinkedHashMap): its values are interned in place (through replaceAll, which unlike an
   * iteration of its entry set leaves no view object behind in the map), its keys are Jackson's already.
   */
  @SuppressWarnings("unchecked")
  private static int map(HashMap<?, ?> map, int depth) {
    int[] n = {0};
    ((HashMap<Object, Object>) map).replaceAll((key, value) -> {
      if (value instanceof String s && !UNIQUE.contains(key)) {
        String shared = s.intern();
        n[0] += shared == s ? 0 : 1;
        return shared;
      }
      n[0] += visit(value, depth + 1);
      return value;
    });
    return n[0];
  }
}
