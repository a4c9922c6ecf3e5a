package dev.kldload.core.output;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A view as plain data (ordered maps, lists, strings, numbers, booleans, nulls), in the shape
 * Jackson databind gives it with the JSR-310 module and dates not as timestamps: record components
 * in order, enums by name or their {@code @JsonValue}, {@link Instant}s as ISO-8601, {@code
 * JsonInclude} NON_NULL and NON_EMPTY honoured. Reflection over a few records costs far less at
 * start-up than an {@code ObjectMapper}'s introspection; a type or a Jackson annotation this class
 * does not know is refused, so that output never silently differs from what databind would write.
 */
final class ViewTree {
  private record Property(String name, Method accessor, JsonInclude.Include include) {}

  private final Map<Class<?>, List<Property>> records = new HashMap<>();
  private final Map<Class<?>, Method> enumValues = new HashMap<>();

  /** {@code value} as plain data; a record or map becomes a {@link LinkedHashMap}. */
  static Object of(Object value) {
    return new ViewTree().convert(value);
  }

  /** Writes plain data (what {@link #of} returns) as the generator's tokens. */
  static void write(JsonGenerator out, Object tree) throws IOException {
    if (tree == null) {
      out.writeNull();
    } else if (tree instanceof String s) {
      out.writeString(s);
    } else if (tree instanceof Boolean b) {
      out.writeBoolean(b);
    } else if (tree instanceof Integer i) {
      out.writeNumber(i);
    } else if (tree instanceof Long l) {
      out.writeNumber(l);
    } else if (tree instanceof Double d) {
      out.writeNumber(d);
    } else if (tree instanceof Map<?, ?> map) {
      out.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.writeFieldName((String) e.getKey());
        write(out, e.getValue());
      }
      out.writeEndObject();
    } else if (tree instanceof List<?> list) {
      out.writeStartArray();
      for (Object item : list) {
        write(out, item);
      }
      out.writeEndArray();
    } else {
      throw new IllegalArgumentException("not plain data: " + tree.getClass().getName());
    }
  }

  private Object convert(Object value) {
    if (value == null
        || value instanceof String
        || value instanceof Boolean
        || value instanceof Integer
        || value instanceof Long
        || value instanceof Double) {
      return value;
    }
    if (value instanceof Instant instant) {
      return instant.toString();
    }
    if (value instanceof Enum<?> constant) {
      Method jsonValue = enumValue(constant.getDeclaringClass());
      return jsonValue == null ? constant.name() : convert(invoke(jsonValue, constant));
    }
    if (value instanceof Record record) {
      Map<String, Object> fields = new LinkedHashMap<>();
      for (Property p : properties(record.getClass())) {
        Object v = invoke(p.accessor(), record);
        if (!omitted(p.include(), v)) {
          fields.put(p.name(), convert(v));
        }
      }
      return fields;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> fields = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw unknown(
              e.getKey() == null ? "a null map key" : "map keys of " + e.getKey().getClass());
        }
        fields.put(key, convert(e.getValue()));
      }
      return fields;
    }
    if (value instanceof Collection<?> items) {
      List<Object> list = new ArrayList<>(items.size());
      for (Object item : items) {
        list.add(convert(item));
      }
      return list;
    }
    throw unknown(value.getClass().getName());
  }

  private static boolean omitted(JsonInclude.Include include, Object value) {
    return switch (include) {
      case ALWAYS -> false;
      case NON_NULL -> value == null;
      case NON_EMPTY ->
          value == null
              || value instanceof String s && s.isEmpty()
              || value instanceof Collection<?> c && c.isEmpty()
              || value instanceof Map<?, ?> m && m.isEmpty();
      default -> throw unknown("@JsonInclude(" + include + ")");
    };
  }

  private List<Property> properties(Class<?> type) {
    List<Property> known = records.get(type);
    if (known != null) {
      return known;
    }
    refuseJackson(type, type.getDeclaredAnnotations());
    List<Method> accessors = new ArrayList<>();
    List<Property> properties = new ArrayList<>();
    for (RecordComponent c : type.getRecordComponents()) {
      Method accessor = c.getAccessor();
      // a record nested in a non-public class: its accessors are public, the class is not
      accessor.setAccessible(true);
      accessors.add(accessor);
      JsonInclude include = accessor.getAnnotation(JsonInclude.class);
      if (include != null && include.content() != JsonInclude.Include.ALWAYS) {
        throw unknown("@JsonInclude(content = ...) on " + type.getName() + "." + c.getName());
      }
      properties.add(
          new Property(
              c.getName(),
              accessor,
              include == null ? JsonInclude.Include.ALWAYS : include.value()));
    }
    for (Method m : type.getDeclaredMethods()) {
      if (accessors.contains(m)) {
        refuseJackson(m, m.getDeclaredAnnotations(), JsonInclude.class);
      } else {
        refuseJackson(m, m.getDeclaredAnnotations());
        if (getter(m)) {
          throw unknown(
              "getter " + type.getName() + "." + m.getName() + "(), which databind would write");
        }
      }
    }
    records.put(type, properties);
    return properties;
  }

  /** What databind takes for a property besides the record's components. */
  private static boolean getter(Method m) {
    String name = m.getName();
    return Modifier.isPublic(m.getModifiers())
        && !Modifier.isStatic(m.getModifiers())
        && m.getParameterCount() == 0
        && (name.length() > 3 && name.startsWith("get") && Character.isUpperCase(name.charAt(3))
            || name.length() > 2
                && name.startsWith("is")
                && Character.isUpperCase(name.charAt(2))
                && m.getReturnType() == boolean.class);
  }

  private Method enumValue(Class<?> type) {
    if (enumValues.containsKey(type)) {
      return enumValues.get(type);
    }
    refuseJackson(type, type.getDeclaredAnnotations());
    for (Field field : type.getDeclaredFields()) {
      refuseJackson(field, field.getDeclaredAnnotations());
    }
    Method found = null;
    for (Method m : type.getDeclaredMethods()) {
      refuseJackson(m, m.getDeclaredAnnotations(), JsonValue.class);
      JsonValue jsonValue = m.getAnnotation(JsonValue.class);
      if (jsonValue != null && jsonValue.value()) {
        m.setAccessible(true);
        found = m;
      }
    }
    enumValues.put(type, found);
    return found;
  }

  /** Fails on a Jackson annotation other than {@code allowed}: it would change what is written. */
  private static void refuseJackson(
      AnnotatedElement where, Annotation[] annotations, Class<?>... allowed) {
    for (Annotation a : annotations) {
      Class<? extends Annotation> type = a.annotationType();
      if (type.getName().startsWith("com.fasterxml.jackson.") && !List.of(allowed).contains(type)) {
        throw unknown("@" + type.getSimpleName() + " on " + where);
      }
    }
  }

  private static Object invoke(Method method, Object target) {
    try {
      return method.invoke(target);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(method + " is not accessible", e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(method + " failed", e.getCause());
    }
  }

  private static IllegalArgumentException unknown(String what) {
    return new IllegalArgumentException("the output writer does not know " + what);
  }
}
