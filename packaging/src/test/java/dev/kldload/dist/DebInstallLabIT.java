package dev.kldload.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.testing.Requirements;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The .deb on a Debian 12 machine whose PID 1 is systemd, with real OpenZFS and no network (the lab
 * VM): installed by apt from the file, every tool run from {@code /usr/bin}, the units verified,
 * the snapshot timer's service run on a real pool, then purged. The steps run in order on one
 * installation; each says what it needs from the ones before.
 */
@Tag("lab")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebInstallLabIT {
  /**
   * Where the package and its tools put files (the default state, run and log directories
   * included); compared before install and after purge. In systemd's own directory, only entries
   * named after us count (deb-systemd-helper's state, the timer's stamp).
   */
  private static final List<String> ROOTS =
      List.of(
          "/opt",
          "/etc",
          "/usr",
          "/var/lib/kldload",
          "/var/log/kldload",
          "/run/kldload",
          "/var/lib/systemd");

  private static final String POOL = "rpool";
  private static final Map<String, String> APT_ENV = Map.of("DEBIAN_FRONTEND", "noninteractive");

  private TreeSet<String> before;
  private Path deb;

  @BeforeAll
  void machine() throws IOException {
    Requirements.require(
        System.getenv("LABVM") != null && Requirements.isRoot(),
        "the lab VM (root, systemd, OpenZFS; src-test-fixtures/labvm)");
    Requirements.require(
        !Files.exists(Path.of("/var/lib/dpkg/info/kldload.list")),
        "no kldload package installed before the test");
    // apt reads the file as its sandbox user, who cannot read the read-only 9p share
    Path tmp = Files.createTempDirectory(Path.of("/var/tmp"), "deb");
    deb = Files.copy(Built.deb(), tmp.resolve(Built.deb().getFileName()));
    tmp.toFile().setReadable(true, false);
    deb.toFile().setReadable(true, false);
    before = files();
  }

  @AfterAll
  void cleanUp() throws IOException {
    Proc.run("zpool", "destroy", "-f", POOL);
    if (deb != null) {
      Files.deleteIfExists(deb);
      Files.deleteIfExists(deb.getParent());
    }
  }

  @Test
  @Order(1)
  @Timeout(600)
  @DisplayName("apt-get installs the .deb offline; postinst dumps the CDS archive here")
  void install() {
    Proc r =
        Proc.run(
            List.of("apt-get", "install", "-y", "--no-install-recommends", deb.toString()),
            APT_ENV,
            false);
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(Path.of("/opt/kldload/lib/kldload.jsa")).isRegularFile();
    assertThat(Path.of("/etc/kldload/kldload.yaml")).isRegularFile();
  }

  @Test
  @Order(2)
  @Timeout(900)
  @DisplayName("every tool answers --help from the installed runtime, by its name on PATH")
  void everyToolRuns() throws IOException {
    Proc v =
        Proc.run(List.of("kldload", "--version"), Map.of("KLDLOAD_JAVA_OPTS", "-Xshare:on"), false);
    assertThat(v.exit()).as("%s", v).isZero();
    assertThat(v.out()).as("%s", v).contains("/opt/kldload/jre");
    for (String[] tool : Built.tools()) {
      List<String> argv = new ArrayList<>();
      if (tool[1].equals("path")) {
        Path link = Path.of("/usr/bin", tool[0]);
        assertThat(link.toRealPath()).isEqualTo(Path.of("/opt/kldload/bin/kldload"));
        argv.add(tool[0]);
      } else {
        argv.add("kldload");
        argv.add(tool[0]);
      }
      argv.add("--help");
      Proc r = Proc.run(argv, Map.of(), false);
      assertThat(r.exit()).as("%s", r).isZero();
      assertThat(r.out()).as("%s", r).contains("Usage: ").contains(tool[0]);
      assertThat(r.err()).as("%s", r).isEmpty();
    }
  }

  @Test
  @Order(3)
  @DisplayName("systemd-analyze verify passes every installed unit, kldload-cluster@ included")
  void unitsVerify() {
    // --man=no: the guest has no man-db (DebIT checks the Documentation= pages on the host)
    Proc r =
        Proc.run(
            List.of(
                "systemd-analyze",
                "verify",
                "--man=no",
                "kldload-nftables.service",
                "kldload-snapshot.service",
                "kldload-snapshot.timer",
                "kldload-cluster@lab.service"),
            Map.of("SYSTEMD_LOG_LEVEL", "notice"),
            false);
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.err()).as("%s", r).doesNotContain("kldload");
    Proc cat = Proc.run("systemctl", "cat", "kldload-cluster@lab.service");
    assertThat(cat.out()).as("%s", cat).contains("ExecStart=/usr/bin/kube-cluster start --name %i");
  }

  @Test
  @Order(4)
  @Timeout(600)
  @DisplayName(
      "the snapshot timer, once enabled, waits for the hour; its service runs ksnap auto once on"
          + " a real pool")
  void snapshotTimer() {
    // opt-in, as docs/operations.md says: the package does not enable it
    assertThat(systemctl("is-enabled", "kldload-snapshot.timer")).isEqualTo("disabled");
    check("systemctl", "enable", "--now", "kldload-snapshot.timer");
    assertThat(systemctl("is-enabled", "kldload-snapshot.timer")).isEqualTo("enabled");
    assertThat(systemctl("is-active", "kldload-snapshot.timer")).isEqualTo("active");
    assertThat(systemctl("show", "-P", "NextElapseUSecRealtime", "kldload-snapshot.timer"))
        .as("the timer is waiting for its next hour")
        .isNotEmpty();
    // the built-in policy: rpool/srv and rpool/var/lib (template data: daily, weekly, monthly,
    // yearly), rpool/var/lib/containers (template none), rpool/var (no section)
    String dev =
        System.getenv().getOrDefault("LABVM_POOL_DEVICE", "/dev/disk/by-id/virtio-labpool");
    check("zpool", "create", "-f", "-o", "cachefile=none", "-m", "none", POOL, dev);
    check("zfs", "create", POOL + "/srv");
    check("zfs", "create", "-p", POOL + "/var/lib/containers");

    Proc start = Proc.run("systemctl", "start", "kldload-snapshot.service");
    assertThat(start.exit()).as("%s", start).isZero();
    assertThat(systemctl("show", "-P", "Result", "kldload-snapshot.service")).isEqualTo("success");
    assertThat(systemctl("show", "-P", "ExecMainStatus", "kldload-snapshot.service"))
        .isEqualTo("0");

    List<String> snaps =
        check("zfs", "list", "-H", "-o", "name", "-t", "snapshot", "-r", POOL).lines().toList();
    assertThat(snaps.stream().map(s -> s.replaceAll("-[0-9-]+$", "")).sorted().toList())
        .as("one auto snapshot per period the data template keeps, on its datasets only")
        .containsExactly(
            POOL + "/srv@auto-daily",
            POOL + "/srv@auto-monthly",
            POOL + "/srv@auto-weekly",
            POOL + "/srv@auto-yearly",
            POOL + "/var/lib@auto-daily",
            POOL + "/var/lib@auto-monthly",
            POOL + "/var/lib@auto-weekly",
            POOL + "/var/lib@auto-yearly");
    for (String s : snaps) {
      String owner = check("zfs", "get", "-H", "-o", "value", "com.kldload:owner", s).strip();
      String role = check("zfs", "get", "-H", "-o", "value", "com.kldload:role", s).strip();
      String created = check("zfs", "get", "-H", "-o", "value", "com.kldload:created", s).strip();
      assertThat(owner).as(s).isEqualTo("ksnap");
      assertThat(s).as("role %s", role).contains("@" + role + "-");
      assertThat(created).as(s).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    }
    // without a TTY the tool also writes its stderr lines to its own log file
    assertThat(Path.of("/var/log/kldload/ksnap.log")).isRegularFile();
  }

  @Test
  @Order(5)
  @Timeout(300)
  @DisplayName(
      "apt-get purge leaves no file of ours behind (the tools' state and the operator's enable"
          + " links included), and removes no one else's")
  void purgeLeavesNothing() throws IOException {
    Proc r = Proc.run(List.of("apt-get", "purge", "-y", "kldload"), APT_ENV, false);
    assertThat(r.exit()).as("%s", r).isZero();
    TreeSet<String> after = files();
    TreeSet<String> left = new TreeSet<>(after);
    left.removeAll(before);
    TreeSet<String> gone = new TreeSet<>(before);
    gone.removeAll(after);
    assertThat(left).as("left behind by the package").isEmpty();
    assertThat(gone).as("removed, though not the package's").isEmpty();
  }

  private static String systemctl(String... args) {
    List<String> argv = new ArrayList<>(List.of("systemctl"));
    argv.addAll(List.of(args));
    return Proc.run(argv, Map.of(), false).out().strip();
  }

  private static String check(String... argv) {
    Proc r = Proc.run(argv);
    assertThat(r.exit()).as("%s", r).isZero();
    return r.out();
  }

  /** Every path under {@link #ROOTS}, directories included. */
  private static TreeSet<String> files() {
    TreeSet<String> all = new TreeSet<>();
    for (String root : ROOTS) {
      Path p = Path.of(root);
      if (!Files.exists(p)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(p)) {
        walk.map(Path::toString)
            .filter(f -> !f.startsWith("/var/lib/systemd/") || f.contains("kldload"))
            .forEach(all::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return all;
  }
}
