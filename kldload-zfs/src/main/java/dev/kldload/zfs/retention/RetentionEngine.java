package dev.kldload.zfs.retention;

import dev.kldload.core.plan.Plan;
import dev.kldload.core.plan.Step;
import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.SnapshotName;
import dev.kldload.zfs.Dataset;
import dev.kldload.zfs.Ownership;
import dev.kldload.zfs.Snapshot;
import dev.kldload.zfs.SnapshotService;
import dev.kldload.zfs.Zfs;
import dev.kldload.zfs.retention.RetentionPolicy.Section;
import dev.kldload.zfs.retention.RetentionPolicy.Template;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides which {@code auto-<period>} snapshots are due and which to prune, and explains every
 * decision. Prunes only snapshots we took (name {@code auto-<period>-YYYYMMDD-HHMMSS} <b>and</b>
 * {@code com.kldload:owner=ksnap} with the matching role), never one a clone (a boot environment is
 * a clone) depends on, never a held one.
 */
public final class RetentionEngine {
  public static final String OWNER = "ksnap";

  /** What to do with one snapshot, and why. */
  public enum Action {
    TAKE,
    KEEP,
    DESTROY
  }

  public record Decision(Action action, String snapshot, String reason) {}

  private final Zfs zfs;
  private final Clock clock;

  public RetentionEngine(Zfs zfs, Clock clock) {
    this.zfs = zfs;
    this.clock = clock;
  }

  /**
   * Every decision for the datasets the policy governs: snapshots to take (when {@code autosnap})
   * and, for each snapshot of a governed dataset, keep or destroy (when {@code prune}).
   */
  public List<Decision> decide(RetentionPolicy policy, boolean autosnap, boolean prune) {
    Instant now = clock.instant();
    List<Decision> out = new ArrayList<>();
    for (Map.Entry<DatasetName, Template> e : governed(policy).entrySet()) {
      DatasetName ds = e.getKey();
      Template t = e.getValue();
      List<Snapshot> snaps = zfs.snapshots(ds, false);
      Map<Period, List<String>> taken = new LinkedHashMap<>();
      for (Period p : Period.values()) {
        if (!autosnap || !t.autosnap() || t.count(p) == 0) {
          continue;
        }
        Optional<Snapshot> newest =
            snaps.stream()
                .filter(s -> ours(s, p))
                .max(Comparator.comparingLong(Snapshot::createTxg));
        if (newest.isEmpty() || p.bucket(newest.get().created()) < p.bucket(now)) {
          String name = new SnapshotService(zfs, clock).uniqueSnapName(List.of(ds), p.kind(), now);
          taken.put(p, List.of(ds.snapshot(name).toString()));
          out.add(
              new Decision(
                  Action.TAKE,
                  ds.snapshot(name).toString(),
                  newest
                          .map(
                              s ->
                                  "newest "
                                      + p.kind()
                                      + " ("
                                      + s.created()
                                      + ") is from an earlier period")
                          .orElse("no " + p.kind() + " snapshot yet")
                      + " [template "
                      + t.name()
                      + "]"));
        }
      }
      if (!prune) {
        continue;
      }
      Set<String> decided = new LinkedHashSet<>();
      for (Period p : Period.values()) {
        List<Snapshot> mine =
            snaps.stream()
                .filter(s -> ours(s, p))
                .sorted(Comparator.comparingLong(Snapshot::createTxg).reversed())
                .toList();
        int keep = t.count(p);
        int slot = taken.getOrDefault(p, List.of()).size();
        for (Snapshot s : mine) {
          decided.add(s.name().toString());
          slot++;
          if (slot <= keep || !t.autoprune()) {
            out.add(
                new Decision(
                    Action.KEEP,
                    s.name().toString(),
                    t.autoprune()
                        ? "within "
                            + p.name().toLowerCase(Locale.ROOT)
                            + " "
                            + keep
                            + " ("
                            + slot
                            + " of "
                            + keep
                            + ")"
                        : "template " + t.name() + " has autoprune off"));
          } else if (s.hasClones()) {
            out.add(
                new Decision(
                    Action.KEEP,
                    s.name().toString(),
                    "beyond " + keep + " but clones depend on it: " + s.clones()));
          } else if (!zfs.holds(s.name()).isEmpty()) {
            out.add(new Decision(Action.KEEP, s.name().toString(), "beyond " + keep + " but held"));
          } else {
            out.add(
                new Decision(
                    Action.DESTROY,
                    s.name().toString(),
                    "beyond "
                        + p.name().toLowerCase(Locale.ROOT)
                        + " "
                        + keep
                        + " ("
                        + slot
                        + " newest)"));
          }
        }
      }
      for (Snapshot s : snaps) {
        if (!decided.contains(s.name().toString())) {
          out.add(
              new Decision(
                  Action.KEEP, s.name().toString(), "not taken by " + OWNER + "'s policy"));
        }
      }
    }
    return out;
  }

  /** The plan that carries out {@code decisions}: atomic takes per pool and kind, then prunes. */
  public Plan plan(String name, List<Decision> decisions) {
    Instant now = clock.instant();
    Map<String, List<SnapshotName>> takes = new LinkedHashMap<>();
    for (Decision d : decisions) {
      if (d.action() == Action.TAKE) {
        SnapshotName s = SnapshotName.parse(d.snapshot());
        String kind = s.snap().substring(0, s.snap().indexOf('-', "auto-".length()));
        takes.computeIfAbsent(kind + "@" + s.dataset().pool(), k -> new ArrayList<>()).add(s);
      }
    }
    List<SnapshotName> destroy =
        decisions.stream()
            .filter(d -> d.action() == Action.DESTROY)
            .map(d -> SnapshotName.parse(d.snapshot()))
            .toList();
    Plan.Builder plan = Plan.builder(name);
    List<String> takeIds = new ArrayList<>();
    takes.forEach(
        (key, snaps) -> {
          String kind = key.substring(0, key.indexOf('@'));
          String id = "take-" + kind + "-" + key.substring(key.indexOf('@') + 1);
          takeIds.add(id);
          plan.add(
              Step.named(id)
                  .description("snapshot " + snaps)
                  .creates(snaps.stream().map(Object::toString).toArray(String[]::new))
                  .doneWhen(ctx -> snaps.stream().allMatch(s -> zfs.snapshot(s).isPresent()))
                  .apply(
                      ctx -> zfs.snapshot(snaps, Ownership.of(OWNER, kind, now).toProperties())));
        });
    if (!destroy.isEmpty()) {
      plan.add(
          Step.named("prune")
              .description("destroy " + destroy.size() + " snapshot(s) beyond the policy's counts")
              .after(takeIds)
              .doneWhen(ctx -> destroy.stream().noneMatch(s -> zfs.snapshot(s).isPresent()))
              .apply(ctx -> zfs.destroySnapshots(destroy)));
    }
    return plan.build();
  }

  private static final Pattern STAMP = Pattern.compile("-\\d{8}-\\d{6}(-\\d+)?");

  /** Ours for period {@code p}: our name pattern and our owner and role marks, both. */
  static boolean ours(Snapshot s, Period p) {
    String snap = s.name().snap();
    return snap.startsWith(p.kind() + "-")
        && STAMP.matcher(snap.substring(p.kind().length())).matches()
        && s.ownership()
            .map(o -> o.owner().equals(OWNER) && o.role().equals(p.kind()))
            .orElse(false);
  }

  private Map<DatasetName, Template> governed(RetentionPolicy policy) {
    Map<DatasetName, Template> out = new LinkedHashMap<>();
    for (Section section : policy.datasets().values()) {
      int depth = section.recursive() ? Integer.MAX_VALUE : 0;
      for (Dataset d : zfs.datasets(section.dataset(), depth)) {
        policy.sectionFor(d.name()).ifPresent(s -> out.put(d.name(), s.template()));
      }
    }
    return out;
  }
}
