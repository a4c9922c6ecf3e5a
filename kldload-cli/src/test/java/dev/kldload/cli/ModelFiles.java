package dev.kldload.cli;

import dev.kldload.cli.model.ModelWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Build step ({@code process-test-classes}): writes the picocli model of the root command and of
 * every tool into the classes directory, for {@link dev.kldload.cli.model.CommandModels}.
 */
public final class ModelFiles {
  private ModelFiles() {}

  /** {@code ModelFiles CLASSES_DIR GENERATED_SOURCES_DIR} */
  public static void main(String[] args) throws IOException {
    Map<String, Class<?>> commands = new LinkedHashMap<>();
    commands.put(Main.ROOT, KldloadCommand.class);
    for (Tools.Tool tool : Tools.ALL) {
      commands.put(tool.name(), tool.type());
    }
    ModelWriter.write(Path.of(args[1]), Path.of(args[0]), commands);
  }
}
