package dev.kldload.cli.model;

import java.lang.annotation.Annotation;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IAnnotatedElement;
import picocli.CommandLine.Model.IExtensible;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.IScope;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.ITypeInfo;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Range;
import picocli.CommandLine.Spec;

/**
 * An annotated field or setter method, as picocli's own {@code TypedMember} presents it, with the
 * annotations the build read in place of the JDK's. Bound through picocli's own {@code
 * FieldBinding} / {@code MethodBinding} (package-private, so made reflectively), so getting and
 * setting behave exactly as with reflection.
 */
final class Member implements IAnnotatedElement, IExtensible {
  private static final Constructor<?> FIELD_BINDING;
  private static final Constructor<?> METHOD_BINDING;
  private static final Object POSTPONED;
  private static final Object UNAVAILABLE;
  private static final Class<?> INITIAL_VALUE_STATE;
  private static final Method TYPE_INFO;

  static {
    try {
      FIELD_BINDING =
          Class.forName("picocli.CommandLine$Model$FieldBinding")
              .getDeclaredConstructor(IScope.class, Field.class);
      FIELD_BINDING.setAccessible(true);
      METHOD_BINDING =
          Class.forName("picocli.CommandLine$Model$MethodBinding")
              .getDeclaredConstructor(IScope.class, Method.class, CommandSpec.class);
      METHOD_BINDING.setAccessible(true);
      // RuntimeTypeInfo is package-private; its create is what TypedMember calls
      TYPE_INFO =
          Class.forName("picocli.CommandLine$Model$RuntimeTypeInfo")
              .getDeclaredMethod(
                  "create",
                  Class.class,
                  Class[].class,
                  Type.class,
                  Range.class,
                  Class.class,
                  boolean.class);
      TYPE_INFO.setAccessible(true);
      INITIAL_VALUE_STATE = Class.forName("picocli.CommandLine$Model$InitialValueState");
      POSTPONED = constant("POSTPONED");
      UNAVAILABLE = constant("UNAVAILABLE");
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final AccessibleObject accessible;
  private final String name;
  private final Map<Class<?>, Annotation> annotations;
  private final IScope scope;
  private final Object binding;
  private final ITypeInfo typeInfo;

  private Member(
      AccessibleObject accessible,
      String name,
      Map<Class<?>, Annotation> annotations,
      IScope scope,
      Object binding,
      Class<?> type,
      Type genericType) {
    this.accessible = accessible;
    this.name = name;
    this.annotations = annotations;
    this.scope = scope;
    this.binding = binding;
    this.typeInfo = typeInfo(type, genericType);
  }

  static Member field(Field field, Map<Class<?>, Annotation> annotations, IScope scope) {
    field.setAccessible(true);
    return new Member(
        field,
        field.getName(),
        annotations,
        scope,
        create(FIELD_BINDING, scope, field),
        field.getType(),
        field.getGenericType());
  }

  static Member setter(
      Method method, Map<Class<?>, Annotation> annotations, IScope scope, CommandSpec spec) {
    method.setAccessible(true);
    return new Member(
        method,
        propertyName(method.getName()),
        annotations,
        scope,
        create(METHOD_BINDING, scope, method, spec),
        method.getParameterTypes()[0],
        method.getGenericParameterTypes()[0]);
  }

  /** As picocli's {@code TypedMember.createTypeInfo}. */
  private ITypeInfo typeInfo(Class<?> type, Type genericType) {
    Range arity = null;
    if (isOption()) {
      arity = Range.valueOf(getAnnotation(Option.class).arity());
    }
    if (isParameter()) {
      arity = Range.valueOf(getAnnotation(Parameters.class).arity());
    }
    if (arity == null || arity.isUnspecified()) {
      if (isOption()) {
        arity = type == null || isBoolean(type) ? Range.valueOf("0") : Range.valueOf("1");
      } else {
        arity = Range.valueOf("1");
      }
      arity = arity.unspecified(true);
    }
    try {
      return (ITypeInfo)
          TYPE_INFO.invoke(
              null,
              type,
              annotationTypes(),
              genericType,
              arity,
              isOption() ? boolean.class : String.class,
              isInteractive());
    } catch (ReflectiveOperationException e) {
      throw new ModelMismatchException("cannot type " + accessible, e);
    }
  }

  private Class<?>[] annotationTypes() {
    if (isOption()) {
      return getAnnotation(Option.class).type();
    }
    if (isParameter()) {
      return getAnnotation(Parameters.class).type();
    }
    return new Class<?>[0];
  }

  private static boolean isBoolean(Class<?> type) {
    return type == Boolean.class || type == boolean.class;
  }

  /** As picocli's {@code TypedMember.propertyName}: {@code setVerbose} is {@code verbose}. */
  private static String propertyName(String methodName) {
    if (methodName.length() > 3 && (methodName.startsWith("get") || methodName.startsWith("set"))) {
      return decapitalize(methodName.substring(3));
    }
    return decapitalize(methodName);
  }

  private static String decapitalize(String name) {
    if (name == null || name.isEmpty()) {
      return name;
    }
    char[] chars = name.toCharArray();
    chars[0] = Character.toLowerCase(chars[0]);
    return new String(chars);
  }

  private static String abbreviate(String text) {
    return text.replace("private ", "")
        .replace("protected ", "")
        .replace("public ", "")
        .replace("java.lang.", "");
  }

  private static Object create(Constructor<?> constructor, Object... args) {
    try {
      return constructor.newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new ModelMismatchException("cannot bind " + args[1], e);
    }
  }

  private static Object constant(String name) {
    for (Object constant : INITIAL_VALUE_STATE.getEnumConstants()) {
      if (((Enum<?>) constant).name().equals(name)) {
        return constant;
      }
    }
    throw new IllegalStateException("picocli has no InitialValueState." + name);
  }

  @Override
  public Object userObject() {
    return accessible;
  }

  @Override
  public boolean isAnnotationPresent(Class<? extends Annotation> type) {
    return annotations.containsKey(type);
  }

  @Override
  public <T extends Annotation> T getAnnotation(Class<T> type) {
    return type.cast(annotations.get(type));
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public String getMixinName() {
    String mixinName = getAnnotation(Mixin.class).name();
    return mixinName == null || mixinName.isEmpty() ? getName() : mixinName;
  }

  @Override
  public boolean isArgSpec() {
    return isOption() || isParameter();
  }

  @Override
  public boolean isOption() {
    return isAnnotationPresent(Option.class);
  }

  @Override
  public boolean isParameter() {
    return isAnnotationPresent(Parameters.class);
  }

  @Override
  public boolean isArgGroup() {
    return false;
  }

  @Override
  public boolean isMixin() {
    return isAnnotationPresent(Mixin.class);
  }

  @Override
  public boolean isUnmatched() {
    return false;
  }

  @Override
  public boolean isSpec() {
    return isAnnotationPresent(Spec.class);
  }

  @Override
  public boolean isParentCommand() {
    return isAnnotationPresent(ParentCommand.class);
  }

  @Override
  public boolean isMultiValue() {
    Class<?> type = typeInfo.getType();
    return type.isArray()
        || Collection.class.isAssignableFrom(type)
        || Map.class.isAssignableFrom(type);
  }

  @Override
  public boolean isInteractive() {
    return (isOption() && getAnnotation(Option.class).interactive())
        || (isParameter() && getAnnotation(Parameters.class).interactive());
  }

  @Override
  public boolean hasInitialValue() {
    return accessible instanceof Field;
  }

  @Override
  public boolean isMethodParameter() {
    return false;
  }

  @Override
  public int getMethodParamPosition() {
    return -1;
  }

  @Override
  public IScope scope() {
    return scope;
  }

  @Override
  public IGetter getter() {
    return (IGetter) binding;
  }

  @Override
  public ISetter setter() {
    return (ISetter) binding;
  }

  @Override
  public ITypeInfo getTypeInfo() {
    return typeInfo;
  }

  @Override
  public String getToString() {
    if (isMixin()) {
      return abbreviate("mixin from member ".concat(toGenericString()));
    }
    // concat, not +: a string concatenation's call site is bootstrapped on first use
    return (accessible instanceof Field ? "field " : "method ")
        .concat(abbreviate(toGenericString()));
  }

  private String toGenericString() {
    return accessible instanceof Field
        ? ((Field) accessible).toGenericString()
        : ((Method) accessible).toGenericString();
  }

  @Override
  public String toString() {
    return accessible.toString();
  }

  /** picocli asks for the initial-value state: a field's is read when first needed. */
  @Override
  public <T> T getExtension(Class<T> type) {
    if (type == INITIAL_VALUE_STATE) {
      return type.cast(accessible instanceof Field ? POSTPONED : UNAVAILABLE);
    }
    return null;
  }
}
