package dev.kldload.cli;

import dev.kldload.cli.model.ModelWriter;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Build step ({@code process-classes}): writes the picocli model file of the root command and of
 * every tool into the classes directory, for {@link dev.kldload.cli.model.CommandModels}.
 */
public final class ModelFiles {
  private ModelFiles() {}

  /** {@code ModelFiles CLASSES_DIR} */
  public static void main(String[] args) throws IOException {
    Path classes = Path.of(args[0]);
    ModelWriter.write(classes, Main.ROOT, KldloadCommand.class);
    for (Tools.Tool tool : Tools.ALL) {
      ModelWriter.write(classes, tool.name(), tool.type());
    }
  }
}
