package dev.kldload.cli.model;

import java.util.Map;

/** Class names as {@link Class#getName()} writes them, and back. */
final class Types {
  private static final Map<String, Class<?>> PRIMITIVES =
      Map.of(
          "boolean", boolean.class,
          "byte", byte.class,
          "char", char.class,
          "short", short.class,
          "int", int.class,
          "long", long.class,
          "float", float.class,
          "double", double.class,
          "void", void.class);

  private Types() {}

  static Class<?> forName(String name) {
    Class<?> primitive = PRIMITIVES.get(name);
    if (primitive != null) {
      return primitive;
    }
    try {
      return Class.forName(name, false, Types.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new ModelMismatchException("class " + name + " not found", e);
    }
  }
}
