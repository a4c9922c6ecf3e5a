package dev.kldload.cli.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attributes of one picocli annotation as the build read them: every attribute, each as its
 * list of tokens (one for a scalar, one per element for an array). Read back by the annotation
 * implementations in {@link Annotations}; a missing attribute means the file does not belong to
 * this picocli, and the caller falls back to reflection.
 */
final class AnnotationValues {
  private final Map<String, List<String>> values = new LinkedHashMap<>();

  void put(String key, List<String> tokens) {
    values.put(key, tokens);
  }

  Map<String, List<String>> asMap() {
    return values;
  }

  String string(String key) {
    List<String> tokens = tokens(key);
    if (tokens.size() != 1) {
      throw new ModelMismatchException("attribute " + key + " is not a single value");
    }
    return tokens.get(0);
  }

  String[] strings(String key) {
    return tokens(key).toArray(new String[0]);
  }

  boolean bool(String key) {
    return Boolean.parseBoolean(string(key));
  }

  int integer(String key) {
    return Integer.parseInt(string(key));
  }

  char character(String key) {
    String value = string(key);
    if (value.length() != 1) {
      throw new ModelMismatchException("attribute " + key + " is not one character");
    }
    return value.charAt(0);
  }

  <E extends Enum<E>> E constant(String key, Class<E> type) {
    return Enum.valueOf(type, string(key));
  }

  /** A class attribute; typed by the caller's return type, as the annotation declares it. */
  @SuppressWarnings("unchecked")
  <C> C type(String key) {
    return (C) Types.forName(string(key));
  }

  @SuppressWarnings("unchecked")
  <C> C types(String key) {
    List<String> tokens = tokens(key);
    Class<?>[] types = new Class<?>[tokens.size()];
    for (int i = 0; i < types.length; i++) {
      types[i] = Types.forName(tokens.get(i));
    }
    return (C) types;
  }

  private List<String> tokens(String key) {
    List<String> tokens = values.get(key);
    if (tokens == null) {
      throw new ModelMismatchException("attribute " + key + " missing");
    }
    return tokens;
  }
}
