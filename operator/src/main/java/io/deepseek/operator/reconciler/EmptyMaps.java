package io.deepseek.operator.reconciler;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Replaces the empty {@code additionalProperties} maps of a fabric8 model object and of every model object it holds
 * with one shared empty map. For objects that are only read from now on (an informer's store): a shared map cannot be
 * added to, while serialization, builders and copies read it like any other (a builder copies it into a new map).
 */
final class EmptyMaps {
  static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";
  private static final String FIELD = "additionalProperties";
  private static final Map<String, Object> SHARED = Collections.emptyMap();

  /** Per model class: its instance fields, accessible (looked up once per class). */
  private static final ClassValue<List<Field>> FIELDS = new ClassValue<>() {
    @Override
    protected List<Field> computeValue(Class<?> type) {
      List<Field> fields = new ArrayList<>();
      for (Class<?> c = type; c != null && c.getName().startsWith(MODEL_PACKAGE); c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive() && f.getType() != String.class) {
            f.setAccessible(true);
            fields.add(f);
          }
        }
      }
      return List.copyOf(fields);
    }
  };

  private EmptyMaps() {}

  /** Walks the object's model objects (through fields, lists and map values); returns how many maps it replaced. */
  static int share(Object object) {
    return visit(object, 0);
  }

  private static int visit(Object o, int depth) {
    if (o == null || depth > 64) {
      return 0;
    }
    if (o instanceof Collection<?> items) {
      int n = 0;
      for (Object item : items) {
        n += visit(item, depth + 1);
      }
      return n;
    }
    if (o instanceof Map<?, ?> map) {
      int n = 0;
      for (Object value : map.values()) {
        n += visit(value, depth + 1);
      }
      return n;
    }
    if (!o.getClass().getName().startsWith(MODEL_PACKAGE)) {
      return 0;
    }
    int n = 0;
    try {
      for (Field f : FIELDS.get(o.getClass())) {
        Object value = f.get(o);
        if (FIELD.equals(f.getName()) && value instanceof Map<?, ?> extra) {
          if (extra.isEmpty() && extra != SHARED) {
            f.set(o, SHARED);
            n++;
          } else {
            n += visit(extra, depth + 1);
          }
        } else {
          n += visit(value, depth + 1);
        }
      }
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot trim " + o.getClass().getName(), e);
    }
    return n;
  }
}
