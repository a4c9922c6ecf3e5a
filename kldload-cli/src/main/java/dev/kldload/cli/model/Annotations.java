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

  /** {@code @Option} */
  static final class OptionValues implements Option {
    private final AnnotationValues v;

    OptionValues(AnnotationValues v) {
      this.v = v;
    }

    @Override
    public Class<? extends Annotation> annotationType() {
      return Option.class;
    }

    @Override
    public Class<?>[] type() {
      return v.types("type");
    }

    @Override
    public String split() {
      return v.string("split");
    }

    @Override
    public String defaultValue() {
      return v.string("defaultValue");
    }

    @Override
    public String[] names() {
      return v.strings("names");
    }

    @Override
    public String arity() {
      return v.string("arity");
    }

    @Override
    public CommandLine.ScopeType scope() {
      return v.constant("scope", CommandLine.ScopeType.class);
    }

    @Override
    public int order() {
      return v.integer("order");
    }

    @Override
    public String[] description() {
      return v.strings("description");
    }

    @Override
    public boolean help() {
      return v.bool("help");
    }

    @Override
    public boolean hidden() {
      return v.bool("hidden");
    }

    @Override
    public Class<? extends CommandLine.IParameterPreprocessor> preprocessor() {
      return v.type("preprocessor");
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
    public String paramLabel() {
      return v.string("paramLabel");
    }

    @Override
    public boolean hideParamSyntax() {
      return v.bool("hideParamSyntax");
    }

    @Override
    public Class<? extends CommandLine.ITypeConverter<?>>[] converter() {
      return v.types("converter");
    }

    @Override
    public String splitSynopsisLabel() {
      return v.string("splitSynopsisLabel");
    }

    @Override
    public CommandLine.Help.Visibility showDefaultValue() {
      return v.constant("showDefaultValue", CommandLine.Help.Visibility.class);
    }

    @Override
    public Class<? extends Iterable<String>> completionCandidates() {
      return v.type("completionCandidates");
    }

    @Override
    public boolean interactive() {
      return v.bool("interactive");
    }

    @Override
    public boolean echo() {
      return v.bool("echo");
    }

    @Override
    public String prompt() {
      return v.string("prompt");
    }

    @Override
    public String descriptionKey() {
      return v.string("descriptionKey");
    }

    @Override
    public boolean negatable() {
      return v.bool("negatable");
    }

    @Override
    public String fallbackValue() {
      return v.string("fallbackValue");
    }

    @Override
    public String mapFallbackValue() {
      return v.string("mapFallbackValue");
    }

    @Override
    public Class<? extends CommandLine.IParameterConsumer> parameterConsumer() {
      return v.type("parameterConsumer");
    }
  }

  /** {@code @Parameters} */
  static final class ParametersValues implements Parameters {
    private final AnnotationValues v;

    ParametersValues(AnnotationValues v) {
      this.v = v;
    }

    @Override
    public Class<? extends Annotation> annotationType() {
      return Parameters.class;
    }

    @Override
    public String index() {
      return v.string("index");
    }

    @Override
    public Class<?>[] type() {
      return v.types("type");
    }

    @Override
    public String split() {
      return v.string("split");
    }

    @Override
    public String defaultValue() {
      return v.string("defaultValue");
    }

    @Override
    public String arity() {
      return v.string("arity");
    }

    @Override
    public CommandLine.ScopeType scope() {
      return v.constant("scope", CommandLine.ScopeType.class);
    }

    @Override
    public String[] description() {
      return v.strings("description");
    }

    @Override
    public boolean hidden() {
      return v.bool("hidden");
    }

    @Override
    public Class<? extends CommandLine.IParameterPreprocessor> preprocessor() {
      return v.type("preprocessor");
    }

    @Override
    public String paramLabel() {
      return v.string("paramLabel");
    }

    @Override
    public boolean hideParamSyntax() {
      return v.bool("hideParamSyntax");
    }

    @Override
    public Class<? extends CommandLine.ITypeConverter<?>>[] converter() {
      return v.types("converter");
    }

    @Override
    public String splitSynopsisLabel() {
      return v.string("splitSynopsisLabel");
    }

    @Override
    public CommandLine.Help.Visibility showDefaultValue() {
      return v.constant("showDefaultValue", CommandLine.Help.Visibility.class);
    }

    @Override
    public Class<? extends Iterable<String>> completionCandidates() {
      return v.type("completionCandidates");
    }

    @Override
    public boolean interactive() {
      return v.bool("interactive");
    }

    @Override
    public boolean echo() {
      return v.bool("echo");
    }

    @Override
    public String prompt() {
      return v.string("prompt");
    }

    @Override
    public String descriptionKey() {
      return v.string("descriptionKey");
    }

    @Override
    public String mapFallbackValue() {
      return v.string("mapFallbackValue");
    }

    @Override
    public Class<? extends CommandLine.IParameterConsumer> parameterConsumer() {
      return v.type("parameterConsumer");
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
