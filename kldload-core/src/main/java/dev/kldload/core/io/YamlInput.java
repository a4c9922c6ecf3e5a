package dev.kldload.core.io;

import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.kldload.core.KldloadException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * The one way to read a YAML (or JSON) input file: mesh files, configuration, stack locks,
 * policies. The YAML parser's time grows faster than the input (a 20 MB mesh file took 336 s of
 * CPU), and no input of ours is near a megabyte, so anything larger is refused before it is parsed.
 */
public final class YamlInput {
  /** 1 MiB: a mesh of a thousand nodes or a stack lock of hundreds of images is far below it. */
  public static final int MAX_BYTES = 1 << 20;

  private YamlInput() {}

  /** A YAML mapper whose parser also stops at {@link #MAX_BYTES} (for text that is not a file). */
  public static YAMLMapper mapper() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_BYTES);
    // an empty value is null, as with Jackson's default YAML factory (the builder drops that)
    return new YAMLMapper(
        YAMLFactory.builder()
            .loaderOptions(options)
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .build());
  }

  /**
   * The text of {@code file}, or exit 2 naming it ({@code what}, e.g. "mesh file /etc/mesh.yaml")
   * when it is larger than {@link #MAX_BYTES}. Reads at most one byte past the limit, so a huge
   * file or an endless pipe costs nothing.
   */
  public static String read(Path file, String what) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (IOException e) {
      throw KldloadException.invalid(
          "cannot read " + what + ": " + e.getMessage(), "check the path and its permissions");
    }
    if (bytes.length > MAX_BYTES) {
      throw KldloadException.invalid(
          what + " is larger than " + (MAX_BYTES >> 20) + " MiB",
          "give the intended file; inputs of this tool are a few kilobytes");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
