package dev.kldload.cli.model;

import dev.kldload.cli.model.Annotations.CommandValues;
import dev.kldload.cli.model.Annotations.MixinValues;
import dev.kldload.cli.model.Annotations.OptionValues;
import dev.kldload.cli.model.Annotations.ParametersValues;
import dev.kldload.cli.model.Annotations.ParentCommandValues;
import dev.kldload.cli.model.Annotations.SpecValues;
import dev.kldload.cli.model.ModelFile.MemberEntry;
import dev.kldload.cli.model.ModelFile.TypeEntry;
import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IAnnotatedElement;
import picocli.CommandLine.Model.IScope;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * picocli's model of a command, built from the text the build wrote for it ({@code ModelWriter}, in
 * the test sources) instead of from its annotations. The steps are picocli's own {@code
 * CommandReflection}'s, in its order, and each option, parameter and command attribute goes through
 * the same picocli code that reflection uses; only the annotation instances differ (see {@link
 * Annotations}). The JDK makes each annotation instance a dynamic proxy whose class it generates on
 * every start (JDK 17 cannot archive them): without them {@code kvm-list --help} takes 15 ms less.
 */
public final class CommandModels {
  /** picocli's key for the {@code mixinStandardHelpOptions} mixin. */
  private static final String STANDARD_HELP = "mixinStandardHelpOptions";

  private static final String AUTO_HELP_MIXIN = "picocli.CommandLine$AutoHelpMixin";

  private final Map<String, TypeEntry> types;
  private final IFactory factory;

  private CommandModels(Map<String, TypeEntry> types, IFactory factory) {
    this.types = types;
    this.factory = factory;
  }

  /**
   * What to give {@code new CommandLine(...)} for {@code type}, the command of {@code tool} (or of
   * {@code kldload}, the root): its model, built from the build's text; or {@code type} itself, for
   * picocli's reflection, when there is none or it does not fit the classes.
   */
  public static Object command(String tool, Class<?> type, IFactory factory) {
    Optional<Map<String, TypeEntry>> types;
    try {
      types = ModelFile.read(tool);
    } catch (ModelMismatchException e) {
      return type;
    }
    return types.isEmpty() ? type : command(types.get(), type, factory);
  }

  /** The model of {@code type} from these classes' entries, or {@code type} if they do not fit. */
  static Object command(Map<String, TypeEntry> types, Class<?> type, IFactory factory) {
    try {
      return new CommandModels(types, factory).spec(type, null);
    } catch (ModelMismatchException e) {
      return type;
    }
  }

  /** As {@code CommandReflection.extractCommandSpec} for a class or an instance of it. */
  private CommandSpec spec(Class<?> type, Object existing) {
    Object instance = existing != null ? existing : create(type);
    CommandSpec spec = CommandSpec.wrapWithoutInspection(instance, factory);
    IScope scope = new InstanceScope(instance);
    boolean standardHelp = false;
    for (Class<?> level : hierarchy(type)) {
      TypeEntry entry = types.get(level.getName());
      if (entry == null) {
        throw new ModelMismatchException("no model of " + level.getName());
      }
      if (entry.command() != null) {
        Command command = new CommandValues(entry.command());
        spec.updateCommandAttributes(command, factory);
        standardHelp |= command.mixinStandardHelpOptions();
        subcommands(command, spec);
      }
      for (MemberEntry member : inReflectionOrder(level, entry.members())) {
        member(level, member, scope, spec);
      }
    }
    if (standardHelp) {
      standardHelp(spec);
    }
    return spec;
  }

  /**
   * Fields, then methods, each in the order this JVM's reflection lists them, as picocli visits
   * them: the order of {@code getDeclaredMethods} is not the source's and may differ from the
   * build's JVM. Listing members reads no annotations.
   */
  private static List<MemberEntry> inReflectionOrder(Class<?> owner, List<MemberEntry> members) {
    Map<String, Integer> fields = new HashMap<>();
    Field[] declaredFields = owner.getDeclaredFields();
    for (int i = 0; i < declaredFields.length; i++) {
      fields.put(declaredFields[i].getName(), i);
    }
    Map<String, Integer> methods = new HashMap<>();
    Method[] declaredMethods = owner.getDeclaredMethods();
    for (int i = 0; i < declaredMethods.length; i++) {
      Method method = declaredMethods[i];
      if (method.getParameterCount() == 1) {
        methods.put(method.getName().concat(method.getParameterTypes()[0].getName()), i);
      }
    }
    // sorted by position without a Comparator lambda, which would be spun on every start
    MemberEntry[] ordered = new MemberEntry[declaredFields.length + declaredMethods.length];
    for (MemberEntry member : members) {
      int position =
          member.method()
              ? declaredFields.length + index(methods, member.name().concat(member.type()), member)
              : index(fields, member.name(), member);
      ordered[position] = member;
    }
    List<MemberEntry> result = new ArrayList<>(members.size());
    for (MemberEntry member : ordered) {
      if (member != null) {
        result.add(member);
      }
    }
    return result;
  }

  private static int index(Map<String, Integer> positions, String key, MemberEntry member) {
    Integer position = positions.get(key);
    if (position == null) {
      throw new ModelMismatchException("no member " + member.name());
    }
    return position;
  }

  /** The classes picocli visits, superclass first, without {@code Object}. */
  private static Deque<Class<?>> hierarchy(Class<?> type) {
    Deque<Class<?>> classes = new ArrayDeque<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      classes.push(c);
    }
    return classes;
  }

  private Object create(Class<?> type) {
    try {
      return factory.create(type);
    } catch (Exception e) {
      throw new CommandLine.InitializationException(
          "Could not instantiate " + type.getName() + ": " + e, e);
    }
  }

  /** As {@code CommandReflection.initSubcommands}. */
  private void subcommands(Command command, CommandSpec parent) {
    for (Class<?> type : command.subcommands()) {
      CommandLine sub = new CommandLine(spec(type, null), factory);
      CommandSpec subSpec = sub.getCommandSpec();
      parent.addSubcommand(subSpec.name(), sub);
      injectParent(subSpec, parent.userObject());
      for (CommandSpec mixin : subSpec.mixins().values()) {
        injectParent(mixin, parent.userObject());
      }
    }
  }

  private static void injectParent(CommandSpec spec, Object parent) {
    for (IAnnotatedElement element : spec.parentCommandElements()) {
      set(element, parent, "Could not inject parent command ");
    }
  }

  /** As {@code CommandReflection.initFromAnnotatedTypedMembers}. */
  private void member(Class<?> owner, MemberEntry entry, IScope scope, CommandSpec spec) {
    Map<Class<?>, Annotation> annotations = annotations(entry);
    Member member;
    try {
      if (entry.method()) {
        Method method = owner.getDeclaredMethod(entry.name(), Types.forName(entry.type()));
        member = Member.setter(method, annotations, scope, spec);
      } else {
        Field field = owner.getDeclaredField(entry.name());
        if (!field.getType().getName().equals(entry.type())) {
          throw new ModelMismatchException("type of " + field + " changed");
        }
        member = Member.field(field, annotations, scope);
      }
    } catch (NoSuchFieldException | NoSuchMethodException e) {
      throw new ModelMismatchException("no member " + entry.name() + " in " + owner, e);
    }
    if (member.isMixin()) {
      CommandSpec mixin = mixin(member);
      spec.addMixin(member.getMixinName(), mixin, member);
      for (IAnnotatedElement element : mixin.specElements()) {
        if (element.getAnnotation(Spec.class).value() == Spec.Target.MIXEE) {
          set(element, spec, "Could not inject MIXEE spec ");
        }
      }
    }
    if (member.isOption()) {
      spec.add(OptionSpec.builder(member, factory).build());
    } else if (member.isParameter()) {
      spec.add(PositionalParamSpec.builder(member, factory).build());
    }
    if (member.isSpec()) {
      spec.addSpecElement(member);
      if (member.getAnnotation(Spec.class).value() == Spec.Target.SELF) {
        set(member, spec, "Could not inject spec ");
      }
    }
    if (member.isParentCommand()) {
      spec.addParentCommandElement(member);
    }
  }

  /** As {@code CommandReflection.buildMixinForMember}. */
  private CommandSpec mixin(Member member) {
    try {
      Object instance = member.getter().get();
      if (instance == null) {
        instance = factory.create(member.getTypeInfo().getType());
        member.setter().set(instance);
      }
      return spec(instance.getClass(), instance).withToString(member.getToString());
    } catch (ModelMismatchException | CommandLine.InitializationException e) {
      throw e;
    } catch (Exception e) {
      throw new CommandLine.InitializationException(
          "Could not access or modify mixin member " + member + ": " + e, e);
    }
  }

  /**
   * As {@code CommandSpec.mixinStandardHelpOptions(true)}, which would build the help mixin by
   * reflection: {@code -h} and {@code -V} from picocli's {@code AutoHelpMixin}, read by the build.
   */
  private void standardHelp(CommandSpec spec) {
    if (spec.inherited() || spec.scopeType() == CommandLine.ScopeType.INHERIT) {
      throw new ModelMismatchException("inherited standard help options are not modelled");
    }
    Object autoHelp;
    try {
      Constructor<?> constructor = Types.forName(AUTO_HELP_MIXIN).getDeclaredConstructor();
      constructor.setAccessible(true);
      autoHelp = constructor.newInstance();
    } catch (ReflectiveOperationException e) {
      throw new ModelMismatchException("picocli has no " + AUTO_HELP_MIXIN, e);
    }
    CommandSpec mixin =
        new CommandModels(types, CommandLine.defaultFactory()).spec(autoHelp.getClass(), autoHelp);
    for (String name : mixin.optionsMap().keySet()) {
      if (spec.optionsMap().containsKey(name)) {
        return;
      }
    }
    spec.addMixin(STANDARD_HELP, mixin);
  }

  private static void set(IAnnotatedElement element, Object value, String failure) {
    try {
      element.setter().set(value);
    } catch (Exception e) {
      throw new CommandLine.InitializationException(failure + element + ": " + e, e);
    }
  }

  /** The object a command's or mixin's members live in, as picocli's {@code ObjectScope}. */
  private static final class InstanceScope implements IScope {
    private Object instance;

    InstanceScope(Object instance) {
      this.instance = instance;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get() {
      return (T) instance;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T set(T value) {
      T old = (T) instance;
      instance = value;
      return old;
    }
  }

  private static Map<Class<?>, Annotation> annotations(MemberEntry entry) {
    Map<Class<?>, Annotation> annotations = new HashMap<>();
    for (Map.Entry<String, AnnotationValues> annotation : entry.annotations().entrySet()) {
      AnnotationValues values = annotation.getValue();
      switch (annotation.getKey()) {
        case "Option" -> annotations.put(Option.class, new OptionValues(values));
        case "Parameters" -> annotations.put(Parameters.class, new ParametersValues(values));
        case "Mixin" -> annotations.put(Mixin.class, new MixinValues(values));
        case "Spec" -> annotations.put(Spec.class, new SpecValues(values));
        case "ParentCommand" -> annotations.put(ParentCommand.class, new ParentCommandValues());
        default -> throw new ModelMismatchException("unknown annotation " + annotation.getKey());
      }
    }
    return annotations;
  }
}
