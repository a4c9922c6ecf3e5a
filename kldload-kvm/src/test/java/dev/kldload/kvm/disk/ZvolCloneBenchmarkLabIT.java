package dev.kldload.kvm.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.plan.CancellationToken;
import dev.kldload.core.plan.Conditions;
import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.PlanEngine;
import dev.kldload.core.plan.Step;
import dev.kldload.core.process.ProcessSpec;
import dev.kldload.core.process.SystemProcessRunner;
import dev.kldload.core.testing.Requirements;
import dev.kldload.core.value.ByteSize;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.VmName;
import dev.kldload.zfs.Zfs;
import dev.kldload.zfs.lzc.LabPool;
import dev.kldload.zfs.lzc.LibzfsCoreZfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lab VM benchmark of the orchestrator's clone path (a record, not a timed assertion: it asserts
 * only that every clone exists with its device node). One golden zvol and one snapshot, then
 * {@value #CLONES} zvol clones made four ways, each into a parent of its own:
 *
 * <ol>
 *   <li>{@code zfs} shell loop, orchestrator's shape: one {@code zfs clone -o <marks>} process per
 *       clone;
 *   <li>{@code zfs} shell loop, as {@code CloneBenchmark} runs it: {@code zfs snapshot}, {@code zfs
 *       clone}, {@code zfs set <marks>} per clone;
 *   <li>{@link ZvolBackend#cloneFrom} in this JVM, one after another;
 *   <li>the same calls as {@code kube-cluster bootstrap}'s {@code clones/<node>/disk} steps, run by
 *       the {@link PlanEngine} with its pool of 4 (what {@code Cli} gives every plan), and with one
 *       thread per clone: clones issued at once can share a transaction group.
 * </ol>
 *
 * Every way ends when all device nodes exist under {@code /dev/zvol} (udev makes them after the
 * ioctl returns): {@link ZvolBackend#cloneFrom} waits for its own, the shell loops for theirs after
 * the last process. The numbers go to stdout and {@code $LABVM_RESULTS/bench/zvol-clones.txt}.
 */
@Tag("lab")
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ZvolCloneBenchmarkLabIT {
  private static final int CLONES = 20;
  private static final SystemProcessRunner RUNNER = new SystemProcessRunner();
  private static final DatasetName ROOT = DatasetName.of(LabPool.NAME + "/zbench");
  private static final VmName GOLDEN = VmName.of("golden");

  private static Zfs zfs;

  @BeforeAll
  static void pool() {
    Requirements.require(LabPool.available(), "a ZFS kernel module and root (lab VM)");
    LabPool.ensure();
    zfs = new LibzfsCoreZfs(RUNNER);
    if (zfs.exists(ROOT)) {
      zfs.destroy(ROOT, true);
    }
    zfs.createFilesystem(ROOT, Map.of("mountpoint", "none"));
  }

  @AfterAll
  static void cleanUp() {
    if (zfs != null && zfs.exists(ROOT)) {
      zfs.destroy(ROOT, true);
    }
  }

  /** A zvol backend whose volumes live under {@code ROOT/<name>}. */
  private static ZvolBackend backend(String name) {
    DatasetName parent = ROOT.child(name);
    zfs.createFilesystem(parent, Map.of());
    return ZvolBackend.onHost(zfs, parent, RUNNER, Clock.systemUTC(), new CancellationToken());
  }

  private static List<VmName> names() {
    List<VmName> out = new ArrayList<>();
    for (int i = 0; i < CLONES; i++) {
      out.add(VmName.of("c" + i));
    }
    return out;
  }

  /** The plan {@code kube-cluster bootstrap} builds for the disks: one step per node. */
  private static Plan diskPlan(ZvolBackend backend, DiskBackend.DiskSnapshot snapshot) {
    Plan.Builder plan = Plan.builder("bench-clones");
    for (VmName vm : names()) {
      plan.add(
          Step.named("clones/" + vm + "/disk")
              .description("clone " + snapshot.id() + " to " + backend.diskOf(vm).path())
              .creates(backend.diskOf(vm).path().toString())
              .doneWhen(c -> backend.exists(vm) && !backend.partial(vm))
              .undo(c -> backend.destroy(vm))
              .apply(c -> backend.cloneFrom(snapshot, vm)));
    }
    return plan.build();
  }

  private static Duration shellLoop(String script, String... args) throws InterruptedException {
    List<String> argv = new ArrayList<>(List.of("bash", "-euc", script, "bench"));
    argv.addAll(List.of(args));
    long t0 = System.nanoTime();
    RUNNER.check(ProcessSpec.of(argv).timeout(Duration.ofMinutes(10)).build());
    DatasetName parent = DatasetName.of(args[args.length - 1]);
    // the same wait ZvolBackend does after each clone, for all of them at once
    new Conditions(
            Conditions.SYSTEM,
            new CancellationToken(),
            Duration.ofMillis(50),
            Duration.ofMillis(500))
        .awaitTrue(
            "the device nodes of " + parent,
            Duration.ofMinutes(2),
            () ->
                names().stream()
                    .allMatch(
                        vm -> Files.exists(Path.of("/dev/zvol", parent.value(), vm.value()))));
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  private static Duration timed(Runnable run) {
    long t0 = System.nanoTime();
    run.run();
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  private static void assertClones(String parent, String origin) {
    for (VmName vm : names()) {
      DatasetName ds = DatasetName.of(ROOT + "/" + parent + "/" + vm);
      assertThat(zfs.exists(ds)).as("%s", ds).isTrue();
      assertThat(zfs.property(ds, "origin")).as("origin of %s", ds).contains(origin);
      assertThat(zfs.property(ds, "com.kldload:owner")).as("owner of %s", ds).isPresent();
      assertThat(Path.of("/dev/zvol/" + ds)).as("device of %s", ds).exists();
    }
  }

  @Test
  @DisplayName(
      "20 zvol clones of one snapshot: zfs shell loops, serial in-process, and the plan engine"
          + " (4 threads, 20 threads); all clones exist; the timings are recorded")
  void clones() throws Exception {
    ZvolBackend gold = backend("gold");
    gold.create(GOLDEN, ByteSize.ofMegabytes(256));
    DiskBackend.DiskSnapshot snapshot = gold.snapshot(GOLDEN, "golden");
    String origin = snapshot.id();

    // warm-up outside the timing: libzfs_core, JNA, the property tables, the plan engine
    ZvolBackend warm = backend("warm");
    PlanEngine.quiet(1).run(diskPlan(warm, snapshot), false).throwIfFailed();

    String marks =
        "-o com.kldload:owner=bench -o com.kldload:role=vm"
            + " -o com.kldload:clone-origin=\"$1\" -o com.kldload:created=\"$(date -u +%FT%TZ)\"";
    backend("shell");
    Duration shell =
        shellLoop(
            "for i in $(seq 0 "
                + (CLONES - 1)
                + "); do zfs clone "
                + marks
                + " \"$1\" \"$2/c$i\";"
                + " done",
            origin,
            ROOT + "/shell");
    assertClones("shell", origin);

    backend("shell3");
    String golden = ROOT + "/gold/" + GOLDEN;
    Duration shell3 =
        shellLoop(
            "for i in $(seq 0 "
                + (CLONES - 1)
                + "); do\n"
                + "  zfs snapshot \"$1@sh$i\"\n"
                + "  zfs clone \"$1@sh$i\" \"$2/c$i\"\n"
                + "  zfs set com.kldload:owner=bench com.kldload:role=vm"
                + " com.kldload:clone-origin=\"$1@sh$i\" \"$2/c$i\"\n"
                + "done\n",
            golden,
            ROOT + "/shell3");
    for (VmName vm : names()) {
      assertThat(zfs.exists(DatasetName.of(ROOT + "/shell3/" + vm))).isTrue();
    }

    ZvolBackend serial = backend("serial");
    Duration inProcess = timed(() -> names().forEach(vm -> serial.cloneFrom(snapshot, vm)));
    assertClones("serial", origin);

    ZvolBackend four = backend("plan4");
    Plan plan4 = diskPlan(four, snapshot);
    Duration engine4 = timed(() -> PlanEngine.quiet(4).run(plan4, false).throwIfFailed());
    assertClones("plan4", origin);

    ZvolBackend all = backend("planN");
    Plan planN = diskPlan(all, snapshot);
    Duration engineN = timed(() -> PlanEngine.quiet(CLONES).run(planN, false).throwIfFailed());
    assertClones("planN", origin);

    Map<String, Duration> rows = new LinkedHashMap<>();
    rows.put("zfs shell loop: zfs clone -o (one snapshot)", shell);
    rows.put("zfs shell loop: snapshot + clone + set", shell3);
    rows.put("ZvolBackend.cloneFrom, serial", inProcess);
    rows.put("plan engine, 4 threads", engine4);
    rows.put("plan engine, " + CLONES + " threads", engineN);
    StringBuilder report =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%d zvol clones of %s, per way (each ends when its /dev/zvol nodes exist)%n",
                CLONES,
                origin));
    rows.forEach(
        (way, d) ->
            report.append(
                String.format(
                    Locale.ROOT,
                    "  %-46s %7d ms  %7.1f ms per clone  %5.1fx vs clone -o loop  %5.1fx vs"
                        + " snapshot+clone+set loop%n",
                    way,
                    d.toMillis(),
                    d.toNanos() / 1e6 / CLONES,
                    shell.toNanos() / (double) d.toNanos(),
                    shell3.toNanos() / (double) d.toNanos())));
    System.out.print(report);
    String results = System.getenv("LABVM_RESULTS");
    if (results != null) {
      record(Path.of(results, "bench", "zvol-clones.txt"), report.toString());
    }
  }

  private static void record(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
