package dev.kldload.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.testing.Requirements;
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
      "--version runs from the AppCDS archive: Main and picocli (compiled for Java 17 by the"
          + " build) come from it")
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
  @DisplayName(
      "kvm-list, run by its name, loads every class from the CDS archive, verifies none and opens"
          + " no jar: not for help (picocli's Groovy probe is off), nor for a listing (JNA's logging"
          + " finds its platform-logging provider in the image)")
  void toolRunsFromArchive() {
    // a class from a jar means the training runs missed it, or the dump skipped it (a lambda
    // implementing a picocli interface drops that interface and all its implementations); a class
    // verified at run time is one the dump archived unlinked (a class file older than Java 6:
    // build-runtime compiles picocli's sources for Java 17)
    Proc help =
        Proc.run(
            List.of(BIN.resolve("kvm-list").toString(), "--help"),
            Map.of("KLDLOAD_JAVA_OPTS", "-Xshare:on -Xlog:class+load=info -Xlog:class+init=info"),
            false);
    assertThat(help.exit()).as("%s", help).isZero();
    assertThat(help.out())
        .contains("dev.kldload.cli.kvm.KvmListCommand source: shared objects file")
        .doesNotContain("source: file:")
        .doesNotContain("Start class verification")
        // help never reaches the command: no warm-up loads libvirt for it
        .doesNotContain("dev.kldload.kvm.libvirt.jna.Libvirt source")
        // loaded when the class path is searched: nothing is looked up outside the archive
        .doesNotContain("URLClassPath$JarLoader ")
        // picocli's models come from the build (CommandModels): no annotation is read at run
        // time, so no annotation proxy is generated
        .doesNotContain("__dynamic_proxy__");
    Requirements.require(Requirements.onPath("virsh"), "libvirt (apt-get install libvirt-clients)");
    Proc list =
        Proc.run(
            List.of(
                BIN.resolve("kvm-list").toString(), "-o", "json", "--connect", "test:///default"),
            Map.of("KLDLOAD_JAVA_OPTS", "-Xshare:on -Xlog:class+load=info -Xlog:class+init=info"),
            false);
    assertThat(list.exit()).as("%s", list).isZero();
    assertThat(list.out())
        .contains("dev.kldload.kvm.libvirt.jna.Libvirt source: shared objects file")
        .contains("\"name\" : \"test\"")
        .contains("dev.kldload.platformlogging.JulLoggerFinder source: shared objects file")
        .doesNotContain("source: file:")
        .doesNotContain("Start class verification")
        .doesNotContain("URLClassPath$JarLoader ")
        // libvirt is called through JNA's Function, not Native.register: no libffi type set-up
        // (FFIType reads annotations) and no generated proxy, which JDK 17 cannot archive
        .doesNotContain("com.sun.jna.Structure$FFIType source")
        .doesNotContain("__dynamic_proxy__")
        // the renderer writes through jackson-core: databind's ObjectMapper costs ~20 ms to start
        .doesNotContain("com.fasterxml.jackson.databind.")
        // domain definitions are read by XmlReader: java.xml's parser costs ~8 ms to start
        .doesNotContain("javax.xml.")
        .doesNotContain("com.sun.org.apache.xerces.");
  }

  @Test
  @DisplayName(
      "bash completion completes 'kldload TOOL' and every tool on PATH by its own name; zsh's"
          + " file is a #compdef for the same names")
  void completion() throws IOException {
    Path bash = Built.RUNTIME.resolve("share/bash-completion/completions/kldload");
    String zsh = Files.readString(Built.RUNTIME.resolve("share/zsh/vendor-completions/_kldload"));
    assertThat(Files.readString(bash)).doesNotStartWith("#!");
    // what bash does on TAB: the function registered for the word, with COMP_* set
    String script =
        "source \"$1\" 2>/dev/null\n"
            + "t() { COMP_LINE=\"$1\"; COMP_POINT=${#1}; read -ra COMP_WORDS <<< \"$1\";"
            + " [[ $1 == *' ' ]] && COMP_WORDS+=(''); COMP_CWORD=$((${#COMP_WORDS[@]} - 1));"
            + " f=$(complete -p \"${COMP_WORDS[0]}\" | sed 's/.* -F \\([^ ]*\\).*/\\1/');"
            + " COMPREPLY=(); $f 2>/dev/null; echo \"$1 -> ${COMPREPLY[*]}\"; }\n"
            + "t 'kldload kvm-l'\nt 'ksnap li'\nt 'kube-network init --fo'\n";
    Proc r = Proc.run("bash", "-c", script, "bash", bash.toString());
    assertThat(r.out())
        .as("%s", r)
        .contains("kldload kvm-l -> kvm-list")
        .contains("ksnap li -> list")
        .contains("kube-network init --fo -> --force");
    assertThat(zsh.lines().findFirst().orElseThrow()).startsWith("#compdef kldload ");
    for (String[] tool : Built.tools()) {
      if (tool[1].equals("path")) {
        assertThat(zsh.lines().findFirst().orElseThrow()).contains(" " + tool[0]);
        Proc c =
            Proc.run(
                "bash",
                "-c",
                "source \"$1\" 2>/dev/null; complete -p " + tool[0],
                "bash",
                bash.toString());
        assertThat(c.out()).as("%s", c).contains("_complete_kldload_tool");
      }
    }
  }

  @Test
  @DisplayName(
      "zsh: the _kldload file completes on the first TAB, by tool name and as kldload TOOL")
  void zshCompletion() {
    Requirements.require(Requirements.onPath("zsh"), "zsh (apt-get install zsh)");
    Proc r =
        Proc.run(
            "zsh",
            Path.of("src/test/resources/zsh-complete.zsh").toAbsolutePath().toString(),
            Built.RUNTIME.resolve("share/zsh/vendor-completions").toString(),
            "ksnap li",
            "ksnap list",
            "kldload kvm-l",
            "kldload kvm-list",
            "kube-network init --fo",
            "init --force");
    assertThat(r.out().lines().toList())
        .as("%s", r)
        .containsExactly("ok: ksnap li", "ok: kldload kvm-l", "ok: kube-network init --fo");
  }
}
