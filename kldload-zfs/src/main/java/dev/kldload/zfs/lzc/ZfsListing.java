package dev.kldload.zfs.lzc;

import dev.kldload.core.value.DatasetName;
import dev.kldload.core.value.SnapshotName;
import dev.kldload.zfs.Dataset;
import dev.kldload.zfs.DatasetType;
import dev.kldload.zfs.Pool;
import dev.kldload.zfs.PoolHealth;
import dev.kldload.zfs.PoolStatus;
import dev.kldload.zfs.Snapshot;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the machine output of {@code zfs list -H -p}, {@code zfs get -H -p}, {@code zpool list -H
 * -p} (tab-separated, raw numbers) into typed records. The column lists are defined here so that
 * the argument lists and the parsers cannot drift apart. {@code zpool status} has no machine form
 * in OpenZFS 2.1: only its {@code state:}, {@code scan:} and {@code errors:} fields are read.
 */
final class ZfsListing {
  static final String DATASET_COLUMNS =
      "name,type,used,avail,refer,compressratio,quota,volsize,mountpoint,mounted,origin,creation";
  static final String SNAPSHOT_COLUMNS = "name,creation,createtxg,used,refer,clones,userrefs";
  static final String POOL_COLUMNS = "name,health,size,alloc,free,frag,cap";

  /** A snapshot with its hold count (userrefs), which the port's record leaves out. */
  record SnapshotRow(Snapshot snapshot, long holds) {}

  private ZfsListing() {}

  static List<String[]> rows(String output, int columns) {
    List<String[]> out = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] cells = line.split("\t", -1);
      if (cells.length != columns) {
        throw new IllegalStateException(
            "expected " + columns + " tab-separated columns, got " + cells.length + ": " + line);
      }
      out.add(cells);
    }
    return out;
  }

  /**
   * {@code zfs get -H -p -o name,property,value -s local,received all}: user properties ({@code
   * module:name}) per object.
   */
  static Map<String, Map<String, String>> userProperties(String output) {
    Map<String, Map<String, String>> out = new HashMap<>();
    for (String[] r : rows(output, 3)) {
      if (r[1].indexOf(':') > 0) {
        out.computeIfAbsent(r[0], k -> new LinkedHashMap<>()).put(r[1], r[2]);
      }
    }
    return out;
  }

  static List<Dataset> datasets(String output, Map<String, Map<String, String>> userProps) {
    List<Dataset> out = new ArrayList<>();
    for (String[] r : rows(output, 12)) {
      DatasetType type = DatasetType.fromZfs(r[1]);
      Optional<Path> mountpoint =
          type == DatasetType.FILESYSTEM && r[8].startsWith("/")
              ? Optional.of(Path.of(r[8]))
              : Optional.empty();
      out.add(
          new Dataset(
              DatasetName.of(r[0]),
              type,
              number(r[2]),
              number(r[3]),
              number(r[4]),
              ratio(r[5]),
              number(r[6]),
              number(r[7]),
              mountpoint,
              "yes".equals(r[9]),
              dash(r[10]).map(SnapshotName::parse),
              Instant.ofEpochSecond(number(r[11])),
              userProps.getOrDefault(r[0], Map.of())));
    }
    out.sort(Comparator.comparing(Dataset::name));
    return out;
  }

  static List<SnapshotRow> snapshots(String output, Map<String, Map<String, String>> userProps) {
    List<SnapshotRow> out = new ArrayList<>();
    for (String[] r : rows(output, 7)) {
      List<DatasetName> clones =
          dash(r[5])
              .map(c -> Arrays.stream(c.split(",")).map(DatasetName::of).sorted().toList())
              .orElse(List.of());
      Snapshot s =
          new Snapshot(
              SnapshotName.parse(r[0]),
              Instant.ofEpochSecond(number(r[1])),
              number(r[2]),
              number(r[3]),
              number(r[4]),
              clones,
              userProps.getOrDefault(r[0], Map.of()));
      out.add(new SnapshotRow(s, number(r[6])));
    }
    out.sort(Comparator.comparingLong((SnapshotRow s) -> s.snapshot().createTxg()));
    return out;
  }

  static List<Pool> pools(String output) {
    List<Pool> out = new ArrayList<>();
    for (String[] r : rows(output, 7)) {
      out.add(
          new Pool(
              r[0],
              PoolHealth.parse(r[1]),
              number(r[2]),
              number(r[3]),
              number(r[4]),
              dash(r[5]).map(v -> (int) number(v)).orElse(-1),
              (int) number(r[6])));
    }
    out.sort(Comparator.comparing(Pool::name));
    return out;
  }

  /**
   * {@code zpool status POOL}: the {@code state:}, {@code scan:} and {@code errors:} fields
   * (continuation lines of a field are joined with a space).
   */
  static Optional<PoolStatus> poolStatus(String pool, String output) {
    Map<String, StringBuilder> fields = new LinkedHashMap<>();
    String current = null;
    for (String line : output.split("\n")) {
      Matcher m = FIELD.matcher(line);
      if (m.matches()) {
        current = m.group(1);
        fields.put(current, new StringBuilder(m.group(2).strip()));
      } else if (current != null && !current.equals("config") && line.startsWith("\t")) {
        String t = line.strip();
        if (!t.isEmpty()) {
          StringBuilder sb = fields.get(current);
          sb.append(sb.length() == 0 ? "" : " ").append(t);
        }
      }
    }
    if (!fields.containsKey("state")) {
      return Optional.empty();
    }
    return Optional.of(
        new PoolStatus(
            pool,
            PoolHealth.parse(fields.get("state").toString()),
            Optional.ofNullable(fields.get("scan")).map(Object::toString).orElse("none requested"),
            Optional.ofNullable(fields.get("errors")).map(Object::toString).orElse("")));
  }

  private static final Pattern FIELD = Pattern.compile(" {0,8}([a-z]+):(.*)");

  static Optional<String> dash(String value) {
    return value.isEmpty() || "-".equals(value) || "none".equals(value)
        ? Optional.empty()
        : Optional.of(value);
  }

  static long number(String value) {
    if (value.isEmpty() || "-".equals(value) || "none".equals(value)) {
      return 0;
    }
    return Long.parseLong(value);
  }

  static double ratio(String value) {
    if (value.isEmpty() || "-".equals(value)) {
      return 1.0;
    }
    return Double.parseDouble(value.endsWith("x") ? value.substring(0, value.length() - 1) : value);
  }
}
