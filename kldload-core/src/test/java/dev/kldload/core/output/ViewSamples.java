package dev.kldload.core.output;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Instances of a view record built from its component types, so that a test covers every field of
 * every nested type: all values present (lists of two, the second item a record with nulls or an
 * empty value), all references null, and all empty. Strings, numbers and times take their turn from
 * lists of values that JSON escapes and YAML quotes or folds. A component type not listed here
 * fails the test: the writer must be checked for it first.
 */
public final class ViewSamples {
  private enum Fill {
    FULL,
    NULLS,
    EMPTY
  }

  /** What JSON must escape, YAML must quote (booleans, numbers, indicators) or fold. */
  static final List<String> STRINGS =
      List.of(
          "web01",
          "",
          "yes",
          "no",
          "true",
          "null",
          "~",
          "123",
          "0x1F",
          "1e3",
          "-5",
          "a: b",
          "- item",
          "# comment",
          "key:",
          "two\nlines",
          "tab\tand \"quotes\" and \\",
          " leading and trailing ",
          "{braces}",
          "[brackets]",
          "*alias",
          "&anchor",
          "!tag",
          "%directive",
          "|pipe",
          ">folded",
          "@at",
          "`tick",
          "?question",
          "2026-11-30T10:00:00Z",
          "10.250.0.1/24",
          "qemu:///system",
          "ünïcödé ✓ 😀",
          "bell\u0007 and nul\u0000",
          "line\u2028separator </script>",
          "a long line of words that goes past the eighty columns at which YAML folds plain"
              + " scalars, and then some more words");

  static final List<Instant> INSTANTS =
      List.of(
          Instant.parse("2026-11-30T10:00:00Z"),
          Instant.parse("2026-11-30T10:00:00.120Z"),
          Instant.parse("2026-11-30T10:00:00.123456789Z"),
          Instant.EPOCH,
          Instant.parse("1969-12-31T23:59:59.999Z"));

  static final List<Long> LONGS = List.of(8589934592L, 0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE);
  static final List<Integer> INTS = List.of(2, 0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE);
  static final List<Double> DOUBLES =
      List.of(1.37, 0.0, 1.0, 0.1, 1e-7, 1.5e300, -2.5, Double.NaN, Double.POSITIVE_INFINITY);

  private final Map<List<?>, Integer> next = new IdentityHashMap<>();
  private int turn;

  private ViewSamples() {}

  /** Instances of {@code type}: every value above is in one of them, where it has that type. */
  public static List<Record> of(Class<? extends Record> type) {
    ViewSamples samples = new ViewSamples();
    List<Record> all = new ArrayList<>();
    for (int round = 0; round < STRINGS.size(); round++) {
      all.add(samples.record(type, Fill.FULL));
    }
    all.add(samples.record(type, Fill.NULLS));
    all.add(samples.record(type, Fill.EMPTY));
    return all;
  }

  private Record record(Class<?> type, Fill fill) {
    RecordComponent[] components = type.getRecordComponents();
    Object[] args = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      args[i] = value(components[i].getGenericType(), fill);
    }
    try {
      Constructor<?> canonical =
          type.getDeclaredConstructor(
              Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
      canonical.setAccessible(true);
      try {
        return (Record) canonical.newInstance(args);
      } catch (InvocationTargetException e) {
        if (fill != Fill.NULLS || !(e.getCause() instanceof NullPointerException)) {
          throw e;
        }
        // a compact constructor that copies its lists: give it empty ones
        for (int i = 0; i < components.length; i++) {
          if (components[i].getType() == List.class) {
            args[i] = List.of();
          }
        }
        return (Record) canonical.newInstance(args);
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot make a " + type.getName(), e);
    }
  }

  private Object value(Type type, Fill fill) {
    int n = turn++;
    if (type instanceof ParameterizedType generic) {
      Type raw = generic.getRawType();
      Type[] of = generic.getActualTypeArguments();
      if (fill == Fill.NULLS) {
        return null;
      }
      if (raw == List.class) {
        return fill == Fill.EMPTY ? List.of() : List.of(value(of[0], Fill.FULL), second(of[0]));
      }
      if (raw == Map.class && of[0] == String.class) {
        Map<String, Object> map = new LinkedHashMap<>();
        if (fill == Fill.FULL) {
          map.put(next(STRINGS), value(of[1], Fill.FULL));
          map.put(next(STRINGS) + "-2", value(of[1], Fill.NULLS));
        }
        return map;
      }
    } else if (type instanceof Class<?> c) {
      if (c == boolean.class) {
        return n % 2 == 0;
      }
      if (c == int.class) {
        return fill == Fill.FULL ? next(INTS) : 0;
      }
      if (c == long.class) {
        return fill == Fill.FULL ? next(LONGS) : 0L;
      }
      if (c == double.class) {
        return fill == Fill.FULL ? next(DOUBLES) : 0.0;
      }
      if (fill == Fill.NULLS) {
        return null;
      }
      boolean full = fill == Fill.FULL;
      if (c == String.class) {
        return full ? next(STRINGS) : "";
      }
      if (c == Boolean.class) {
        return n % 2 == 0;
      }
      if (c == Integer.class) {
        return full ? next(INTS) : 0;
      }
      if (c == Long.class) {
        return full ? next(LONGS) : 0L;
      }
      if (c == Double.class) {
        return full ? next(DOUBLES) : 0.0;
      }
      if (c == Instant.class) {
        return full ? next(INSTANTS) : Instant.EPOCH;
      }
      if (c.isEnum()) {
        Object[] constants = c.getEnumConstants();
        return constants[n % constants.length];
      }
      if (c.isRecord()) {
        return record(c, fill);
      }
    }
    throw new IllegalArgumentException(
        "no samples of "
            + type
            + ": check that the output writer writes it as databind does,"
            + " then add it here");
  }

  /** A list's second item: a record with nulls, else an empty value (views copy lists). */
  private Object second(Type item) {
    return item instanceof Class<?> c && c.isRecord()
        ? record(c, Fill.NULLS)
        : value(item, Fill.EMPTY);
  }

  /** The values of a list in turn, each list on its own count. */
  private <T> T next(List<T> values) {
    int i = next.merge(values, 1, Integer::sum) - 1;
    return values.get(i % values.size());
  }
}
