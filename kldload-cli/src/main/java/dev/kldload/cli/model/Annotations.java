package dev.kldload.cli.model;

import java.lang.annotation.Annotation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * picocli's annotations implemented by plain classes over the values the build read, so that
 * picocli's own model code ({@code updateCommandAttributes}, {@code OptionSpec.builder(element,
 * factory)}) runs on them unchanged. The JDK's annotation instances are dynamic proxies, generated
 * on every start (they cannot be class-data shared on JDK 17); these are ordinary classes.
 */
final class Annotations {
  private Annotations() {}

  /** {@code @Command} */
  static final class CommandValues implements Command {
    private final AnnotationValues v;

    CommandValues(AnnotationValues v) {
      this.v = v;
    }

    @Override
    public Class<? extends Annotation> annotationType() {
      return Command.class;
    }

    @Override
    public String name() {
      return v.string("name");
    }

    @Override
    public String[] version() {
      return v.strings("version");
    }

    @Override
    public CommandLine.ScopeType scope() {
      return v.constant("scope", CommandLine.ScopeType.class);
    }

    @Override
    public String separator() {
      return v.string("separator");
    }

    @Override
    public String[] aliases() {
      return v.strings("aliases");
    }

    @Override
    public String[] header() {
      return v.strings("header");
    }

    @Override
    public String[] description() {
      return v.strings("description");
    }

    @Override
    public Class<?>[] subcommands() {
      return v.types("subcommands");
    }

    @Override
    public boolean subcommandsRepeatable() {
      return v.bool("subcommandsRepeatable");
    }

    @Override
    public boolean addMethodSubcommands() {
      return v.bool("addMethodSubcommands");
    }

    @Override
    public Class<? extends CommandLine.IVersionProvider> versionProvider() {
      return v.type("versionProvider");
    }

    @Override
    public boolean mixinStandardHelpOptions() {
      return v.bool("mixinStandardHelpOptions");
    }

    @Override
    public boolean helpCommand() {
      return v.bool("helpCommand");
    }

    @Override
    public String headerHeading() {
      return v.string("headerHeading");
    }

    @Override
    public String synopsisHeading() {
      return v.string("synopsisHeading");
    }

    @Override
    public boolean abbreviateSynopsis() {
      return v.bool("abbreviateSynopsis");
    }

    @Override
    public String[] customSynopsis() {
      return v.strings("customSynopsis");
    }

    @Override
    public String synopsisSubcommandLabel() {
      return v.string("synopsisSubcommandLabel");
    }

    @Override
    public String descriptionHeading() {
      return v.string("descriptionHeading");
    }

    @Override
    public String parameterListHeading() {
      return v.string("parameterListHeading");
    }

    @Override
    public String optionListHeading() {
      return v.string("optionListHeading");
    }

    @Override
    public boolean sortOptions() {
      return v.bool("sortOptions");
    }

    @Override
    public boolean sortSynopsis() {
      return v.bool("sortSynopsis");
    }

    @Override
    public char requiredOptionMarker() {
      return v.character("requiredOptionMarker");
    }

    @Override
    public Class<? extends CommandLine.IDefaultValueProvider> defaultValueProvider() {
      return v.type("defaultValueProvider");
    }

    @Override
    public boolean showDefaultValues() {
      return v.bool("showDefaultValues");
    }

    @Override
    public boolean showAtFileInUsageHelp() {
      return v.bool("showAtFileInUsageHelp");
    }

    @Override
    public boolean showEndOfOptionsDelimiterInUsageHelp() {
      return v.bool("showEndOfOptionsDelimiterInUsageHelp");
    }

    @Override
    public String commandListHeading() {
      return v.string("commandListHeading");
    }

    @Override
    public String footerHeading() {
      return v.string("footerHeading");
    }

    @Override
    public String[] footer() {
      return v.strings("footer");
    }

    @Override
    public boolean hidden() {
      return v.bool("hidden");
    }

    @Override
    public String resourceBundle() {
      return v.string("resourceBundle");
    }

    @Override
    public int usageHelpWidth() {
      return v.integer("usageHelpWidth");
    }

    @Override
    public boolean usageHelpAutoWidth() {
      return v.bool("usageHelpAutoWidth");
    }

    @Override
    public int exitCodeOnSuccess() {
      return v.integer("exitCodeOnSuccess");
    }

    @Override
    public int exitCodeOnUsageHelp() {
      return v.integer("exitCodeOnUsageHelp");
    }

    @Override
    public int exitCodeOnVersionHelp() {
      return v.integer("exitCodeOnVersionHelp");
    }

    @Override
    public int exitCodeOnInvalidInput() {
      return v.integer("exitCodeOnInvalidInput");
    }

    @Override
    public int exitCodeOnExecutionException() {
      return v.integer("exitCodeOnExecutionException");
    }

    @Override
    public String exitCodeListHeading() {
      return v.string("exitCodeListHeading");
    }

    @Override
    public String[] exitCodeList() {
      return v.strings("exitCodeList");
    }

    @Override
    public Class<? extends CommandLine.IModelTransformer> modelTransformer() {
      return v.type("modelTransformer");
    }

    @Override
    public Class<? extends CommandLine.IParameterPreprocessor> preprocessor() {
      return v.type("preprocessor");
    }
  }

  /** The attributes {@code @Option} and {@code @Parameters} share. */
  abstract static class ArgValues {
    final AnnotationValues v;

    ArgValues(AnnotationValues v) {
      this.v = v;
    }

    public Class<?>[] type() {
      return v.types("type");
    }

    public String split() {
      return v.string("split");
    }

    public String defaultValue() {
      return v.string("defaultValue");
    }

    public String arity() {
      return v.string("arity");
    }

    public CommandLine.ScopeType scope() {
      return v.constant("scope", CommandLine.ScopeType.class);
    }

    public String[] description() {
      return v.strings("description");
    }

    public boolean hidden() {
      return v.bool("hidden");
    }

    public Class<? extends CommandLine.IParameterPreprocessor> preprocessor() {
      return v.type("preprocessor");
    }

    public String paramLabel() {
      return v.string("paramLabel");
    }

    public boolean hideParamSyntax() {
      return v.bool("hideParamSyntax");
    }

    public Class<? extends CommandLine.ITypeConverter<?>>[] converter() {
      return v.types("converter");
    }

    public String splitSynopsisLabel() {
      return v.string("splitSynopsisLabel");
    }

    public CommandLine.Help.Visibility showDefaultValue() {
      return v.constant("showDefaultValue", CommandLine.Help.Visibility.class);
    }

    public Class<? extends Iterable<String>> completionCandidates() {
      return v.type("completionCandidates");
    }

    public boolean interactive() {
      return v.bool("interactive");
    }

    public boolean echo() {
      return v.bool("echo");
    }

    public String prompt() {
      return v.string("prompt");
    }

    public String descriptionKey() {
      return v.string("descriptionKey");
    }

    public String mapFallbackValue() {
      return v.string("mapFallbackValue");
    }

    public Class<? extends CommandLine.IParameterConsumer> parameterConsumer() {
      return v.type("parameterConsumer");
    }
  }

  /** {@code @Option} */
  static final class OptionValues extends ArgValues implements Option {
    OptionValues(AnnotationValues v) {
      super(v);
    }

    @Override
    public Class<? extends Annotation> annotationType() {
      return Option.class;
    }

    @Override
    public String[] names() {
      return v.strings("names");
    }

    @Override
    public int order() {
      return v.integer("order");
    }

    @Override
    public boolean help() {
      return v.bool("help");
    }

    @Override
    public boolean required() {
      return v.bool("required");
    }

    @Override
    public boolean usageHelp() {
      return v.bool("usageHelp");
    }

    @Override
    public boolean versionHelp() {
      return v.bool("versionHelp");
    }

    @Override
    public boolean negatable() {
      return v.bool("negatable");
    }

    @Override
    public String fallbackValue() {
      return v.string("fallbackValue");
    }
  }

  /** {@code @Parameters} */
  static final class ParametersValues extends ArgValues implements Parameters {
    ParametersValues(AnnotationValues v) {
      super(v);
    }

    @Override
    public Class<? extends Annotation> annotationType() {
      return Parameters.class;
    }

    @Override
    public String index() {
      return v.string("index");
    }
  }

  /** {@code @Mixin} */
  static final class MixinValues implements Mixin {
    private final AnnotationValues v;

    MixinValues(AnnotationValues v) {
      this.v = v;
    }

    @Override
    public Class<? extends Annotation> annotationType() {
      return Mixin.class;
    }

    @Override
    public String name() {
      return v.string("name");
    }
  }

  /** {@code @Spec} */
  static final class SpecValues implements Spec {
    private final AnnotationValues v;

    SpecValues(AnnotationValues v) {
      this.v = v;
    }

    @Override
    public Class<? extends Annotation> annotationType() {
      return Spec.class;
    }

    @Override
    public Spec.Target value() {
      return v.constant("value", Spec.Target.class);
    }
  }

  /** {@code @ParentCommand}: no attributes. */
  static final class ParentCommandValues implements ParentCommand {
    @Override
    public Class<? extends Annotation> annotationType() {
      return ParentCommand.class;
    }
  }
}
