package dev.kldload.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.config.ConfigKey;
import dev.kldload.core.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .deb that jdeb built: its contents, lintian's verdict, its systemd units. */
class DebIT {
  @Test
  @DisplayName("lintian reports no errors (overrides: the runtime lives in /opt by design)")
  void lintianNoErrors() {
    Requirements.require(Requirements.onPath("lintian"), "lintian (apt-get install lintian)");
    Proc r =
        Proc.run(
            "lintian",
            "--no-tag-display-limit",
            "--display-level",
            ">=warning",
            Built.deb().toString());
    List<String> errors = r.out().lines().filter(l -> l.startsWith("E: ")).toList();
    assertThat(errors).as("%s", r).isEmpty();
    assertThat(r.err()).as("%s", r).doesNotContain("E: ");
  }

  @Test
  @DisplayName(
      "the package holds the runtime, one /usr/bin link per tool on PATH, man pages,"
          + " completion, the conffile and the units")
  void contents() {
    String list = Proc.run("dpkg-deb", "--contents", Built.deb().toString()).out();
    assertThat(list)
        .contains("./opt/kldload/bin/kldload")
        .contains("./opt/kldload/jre/bin/java")
        .contains("./opt/kldload/lib/kldload.classlist")
        .contains("./opt/kldload/libexec/kldload-cds")
        .contains("./usr/bin/kldload -> /opt/kldload/bin/kldload")
        .contains("./etc/kldload/kldload.yaml")
        .contains("./lib/systemd/system/kldload-nftables.service")
        .contains("./lib/systemd/system/kldload-snapshot.service")
        .contains("./lib/systemd/system/kldload-snapshot.timer")
        .contains("./lib/systemd/system/kldload-cluster@.service")
        .contains("./usr/share/bash-completion/completions/kldload")
        .contains("./usr/share/zsh/vendor-completions/_kldload")
        .contains("./usr/share/man/man1/kldload.1.gz")
        .contains("./usr/share/doc/kldload/copyright")
        .doesNotContain("kldload.jsa");
    for (String[] tool : Built.tools()) {
      if (tool[1].equals("path")) {
        assertThat(list)
            .contains("./usr/bin/" + tool[0] + " -> /opt/kldload/bin/kldload")
            .contains("./usr/share/man/man1/" + tool[0] + ".1.gz");
      } else {
        assertThat(list)
            .doesNotContain("./usr/bin/" + tool[0] + " ")
            .contains("./usr/share/man/man1/kldload-" + tool[0] + ".1.gz");
      }
    }
    String control = Proc.run("dpkg-deb", "--field", Built.deb().toString()).out();
    assertThat(control).contains("Package: kldload").contains("Depends: libc6");
    String conffiles = Proc.run("dpkg-deb", "--info", Built.deb().toString(), "conffiles").out();
    assertThat(conffiles.strip()).isEqualTo("/etc/kldload/kldload.yaml");
  }

  @Test
  @DisplayName(
      "unpacked anywhere, the runtime runs and postinst's archive step makes a CDS"
          + " archive that the launcher uses")
  void unpackedRuntimeRuns(@TempDir Path tmp) {
    Proc x = Proc.run("dpkg-deb", "-x", Built.deb().toString(), tmp.toString());
    assertThat(x.exit()).as("%s", x).isZero();
    Path home = tmp.resolve("opt/kldload");
    Proc cds = Proc.run(home.resolve("libexec/kldload-cds").toString());
    assertThat(cds.exit()).as("%s", cds).isZero();
    assertThat(home.resolve("lib/kldload.jsa")).isRegularFile();
    Proc v =
        Proc.run(
            List.of(home.resolve("bin/kldload").toString(), "--version"),
            Map.of("KLDLOAD_JAVA_OPTS", "-Xshare:on"),
            false);
    assertThat(v.exit()).as("%s", v).isZero();
    assertThat(v.out()).contains("kldload 0.").contains(home.resolve("jre").toString());
  }

  @Test
  @DisplayName("every systemd unit in the package passes systemd-analyze verify")
  void unitsVerify(@TempDir Path tmp) throws IOException {
    Requirements.require(
        Requirements.onPath("systemd-analyze"), "systemd-analyze (apt-get install systemd)");
    Proc x = Proc.run("dpkg-deb", "-x", Built.deb().toString(), tmp.toString());
    assertThat(x.exit()).as("%s", x).isZero();
    List<String> units = new ArrayList<>();
    try (Stream<Path> files = Files.list(tmp.resolve("lib/systemd/system"))) {
      files.map(Path::toString).sorted().forEach(units::add);
    }
    assertThat(units).hasSize(4);
    // --root: ExecStart=/usr/bin/ksnap (and kube-cluster) resolves inside the unpacked package. The
    // root also gets
    // the host's nft (ExecStart=nft) and the host's targets (sysinit.target, timers.target), and
    // man finds the package's pages (Documentation=man:ksnap(1)) beside the host's (man:nft(8)).
    Requirements.require(Requirements.onPath("nft"), "nft (apt-get install nftables)");
    Path sbin = Files.createDirectories(tmp.resolve("usr/sbin"));
    Files.copy(Path.of(Proc.run("sh", "-c", "command -v nft").out().strip()), sbin.resolve("nft"));
    try (Stream<Path> targets = Files.list(Path.of("/lib/systemd/system"))) {
      for (Path t : targets.filter(p -> p.toString().endsWith(".target")).toList()) {
        Files.copy(t, tmp.resolve("lib/systemd/system").resolve(t.getFileName()));
      }
    }
    List<String> argv = new ArrayList<>(List.of("systemd-analyze", "verify", "--root=" + tmp));
    units.forEach(u -> argv.add(u.substring(tmp.toString().length())));
    Proc r =
        Proc.run(
            argv,
            Map.of(
                "SYSTEMD_LOG_LEVEL",
                "notice",
                "MANPATH",
                tmp.resolve("usr/share/man") + ":/usr/share/man"),
            false);
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.err()).as("%s", r).doesNotContainIgnoringCase("error").doesNotContain("kldload-");
  }

  @Test
  @DisplayName(
      "kldload-cluster@.service runs kube-cluster start/stop with options it accepts, and gives"
          + " start longer than its own waits")
  void clusterUnit(@TempDir Path tmp) throws IOException {
    Proc x = Proc.run("dpkg-deb", "-x", Built.deb().toString(), tmp.toString());
    assertThat(x.exit()).as("%s", x).isZero();
    Map<String, String> unit = new LinkedHashMap<>();
    for (String line :
        Files.readAllLines(tmp.resolve("lib/systemd/system/kldload-cluster@.service"))) {
      int eq = line.indexOf('=');
      if (eq > 0 && !line.startsWith("#")) {
        unit.merge(line.substring(0, eq), line.substring(eq + 1), (a, b) -> a + " " + b);
      }
    }
    assertThat(unit)
        .containsEntry("Type", "oneshot")
        .containsEntry("RemainAfterExit", "yes")
        .containsEntry("SuccessExitStatus", "3")
        .containsEntry("WantedBy", "multi-user.target");
    assertThat(unit.get("After")).contains("libvirtd.service", "network-online.target");
    assertThat(unit.get("Wants")).contains("libvirtd.service", "network-online.target");
    // the unit's command lines as systemd runs them for kldload-cluster@lab, on a host without
    // that cluster: a usage error (exit 2) would mean an option the tool does not have; exit 4
    // is the tool looking the named cluster up
    Path state = Files.createDirectories(tmp.resolve("state"));
    for (String key : List.of("ExecStart", "ExecStop")) {
      List<String> argv = new ArrayList<>(List.of(unit.get(key).replace("%i", "lab").split(" ")));
      assertThat(argv.get(0)).isEqualTo("/usr/bin/kube-cluster");
      assertThat(tmp.resolve("usr/bin/kube-cluster")).isSymbolicLink();
      argv.set(0, Built.RUNTIME.resolve("bin/kube-cluster").toString());
      Proc r =
          Proc.run(
              argv,
              Map.of(
                  "KLDLOAD_STATE_DIR", state.toString(),
                  "KLDLOAD_LOG_DIR", tmp.resolve("log").toString()),
              false);
      assertThat(r.exit()).as("%s", r).isEqualTo(4);
      assertThat(r.err()).as("%s", r).contains("cluster lab does not exist");
    }
    // start waits for a lease, SSH and cloud-init, then the handshakes: four waits in a row
    long reach = Long.parseLong(ConfigKey.KUBE_REACH_SECONDS.defaultValue().orElseThrow());
    assertThat(minutes(unit.get("TimeoutStartSec")) * 60).isGreaterThan(4 * reach);
  }

  private static long minutes(String systemdSpan) {
    assertThat(systemdSpan).matches("[0-9]+min");
    return Long.parseLong(systemdSpan.replace("min", ""));
  }
}
