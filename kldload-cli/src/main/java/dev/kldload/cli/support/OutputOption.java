package dev.kldload.cli.support;

import dev.kldload.core.output.OutputFormat;
import dev.kldload.core.output.Renderer;
import picocli.CommandLine.Option;

/** {@code -o table|json|yaml}, mixed into every read command. */
public final class OutputOption {
  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table, json or yaml (default: table).",
      converter = OutputFormatConverter.class)
  OutputFormat format = OutputFormat.TABLE;

  public OutputFormat format() {
    return format;
  }

  public Renderer renderer() {
    return new Renderer(format);
  }

  /** Converts with our own one-line message instead of picocli's enum listing. */
  static final class OutputFormatConverter
      implements picocli.CommandLine.ITypeConverter<OutputFormat> {
    @Override
    public OutputFormat convert(String value) {
      return OutputFormat.parse(value);
    }
  }
}
