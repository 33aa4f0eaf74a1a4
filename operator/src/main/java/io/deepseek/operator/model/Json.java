package io.deepseek.operator.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The operator's one JSON mapper. Canonical (map entries and properties sorted), so that the same object always
 * serializes, and so hashes, the same way; reading and converting do not depend on that order.
 */
public final class Json {
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
      .configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
      .build();

  private Json() {}

  public static JsonNode tree(Object value) {
    return MAPPER.valueToTree(value);
  }

  /** The value as JSON text. */
  public static String text(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON", e);
    }
  }

  /** JSON text as a tree. */
  public static JsonNode parse(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** A deep copy through JSON: the copy shares nothing with the original. */
  @SuppressWarnings("unchecked")
  public static <T> T copy(T value) {
    return value == null ? null : (T) MAPPER.convertValue(MAPPER.valueToTree(value), value.getClass());
  }

  /** Whether two objects serialize to the same JSON (property order aside). */
  public static boolean same(Object a, Object b) {
    return tree(a).equals(tree(b));
  }
}
