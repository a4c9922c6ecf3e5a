package dev.kldload.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime under target/kldload, run as an installed copy would be: by its symlinks. */
class RuntimeIT {
  private static final Path BIN = Built.RUNTIME.resolve("bin");

  @Test
  @DisplayName(
      "every tool is a symlink to the launcher and runs by its own name, with no JDK or"
          + " Maven on PATH and no JAVA_HOME")
  void everyToolBySymlinkWithoutJdk(@TempDir Path tmp) throws IOException {
    // PATH holds readlink and nothing else: the launcher needs no java, javac or mvn from it
    Path path = Files.createDirectories(tmp.resolve("path"));
    Files.createSymbolicLink(path.resolve("readlink"), Path.of("/usr/bin/readlink"));
    for (String[] tool : Built.tools()) {
      Path link = BIN.resolve(tool[0]);
      assertThat(Files.isSymbolicLink(link)).as(tool[0]).isTrue();
      assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("kldload"));
      Proc r =
          Proc.run(
              List.of(link.toString(), "--help"),
              Map.of("PATH", path.toString(), "HOME", tmp.toString()),
              true);
      assertThat(r.exit()).as("%s", r).isZero();
      assertThat(r.out()).as("%s", r).containsPattern("Usage: (kldload )?" + tool[0] + " ");
      assertThat(r.err()).as("%s", r).isEmpty();
    }
  }

  @Test
  @DisplayName("the image holds the modules of runtime-modules and what they require, no more")
  void imageModules() throws IOException {
    Path java = Built.RUNTIME.resolve("jre/bin/java");
    Set<String> declared =
        Files.readAllLines(Path.of("runtime-modules")).stream()
            .map(l -> l.replaceAll("#.*", "").trim())
            .filter(l -> !l.isEmpty())
            .map(l -> l.split("\\s+")[0])
            .collect(Collectors.toSet());
    Set<String> image =
        Arrays.stream(Proc.run(java.toString(), "--list-modules").out().split("\n"))
            .map(l -> l.replaceAll("@.*", "").trim())
            .filter(l -> !l.isEmpty())
            .collect(Collectors.toSet());
    Set<String> closure = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(declared);
    while (!todo.isEmpty()) {
      String m = todo.pop();
      if (closure.add(m)) {
        for (String line : Proc.run(java.toString(), "--describe-module", m).out().split("\n")) {
          // "requires NAME[@VERSION] [transitive|static|mandated]": static ones are not linked
          String[] words = line.trim().split("\\s+");
          if (words[0].equals("requires") && !List.of(words).contains("static")) {
            todo.add(words[1].replaceAll("@.*", ""));
          }
        }
      }
    }
    assertThat(image).isEqualTo(closure);
  }

  @Test
  @DisplayName(
      "--version runs from the AppCDS archive: Main and picocli (Java 5 class files)"
          + " come from it")
  void cdsArchive() {
    Proc r =
        Proc.run(
            List.of(BIN.resolve("kldload").toString(), "--version"),
            Map.of("KLDLOAD_JAVA_OPTS", "-Xshare:on -Xlog:class+load=info"),
            false);
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.out())
        .contains("dev.kldload.cli.Main source: shared objects file")
        .contains("picocli.CommandLine source: shared objects file")
        .contains("kldload 0.");
  }

  @Test
  @DisplayName("completion scripts: bash completes every tool on PATH, zsh's file is a #compdef")
  void completion() throws IOException {
    String bash =
        Files.readString(Built.RUNTIME.resolve("share/bash-completion/completions/kldload"));
    String zsh = Files.readString(Built.RUNTIME.resolve("share/zsh/vendor-completions/_kldload"));
    assertThat(zsh).startsWith("#compdef kldload ");
    for (String[] tool : Built.tools()) {
      assertThat(bash).contains(tool[0]);
      if (tool[1].equals("path")) {
        assertThat(zsh.lines().findFirst().orElseThrow()).contains(" " + tool[0]);
      }
    }
  }
}
