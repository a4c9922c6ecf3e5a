package dev.kldload.core.value;

import dev.kldload.core.KldloadException;
import java.util.regex.Pattern;

/**
 * A ZFS snapshot: {@code dataset@snap}. Parsed once at the edge; {@code parse} refuses input
 * without '@'.
 */
public record SnapshotName(DatasetName dataset, String snap) implements Comparable<SnapshotName> {
  private static final Pattern SNAP = Pattern.compile("[A-Za-z0-9_:.-]+");

  public SnapshotName {
    if (dataset == null) {
      throw KldloadException.invalid("snapshot has no dataset", "write DATASET@SNAP");
    }
    // '.' and '..' would be path components wherever a snapshot name becomes a file name
    if (snap == null
        || snap.isEmpty()
        || !SNAP.matcher(snap).matches()
        || snap.equals(".")
        || snap.equals("..")) {
      throw KldloadException.invalid(
          "snapshot name '" + Names.printable(String.valueOf(snap)) + "' is not valid",
          "use letters, digits, '_', '-', ':' or '.' after the '@'");
    }
    if (dataset.value().length() + 1 + snap.length() > DatasetName.MAX_LENGTH) {
      throw KldloadException.invalid(
          "snapshot name '" + dataset + "@" + Names.printable(snap) + "' is too long",
          "keep DATASET@SNAP within " + DatasetName.MAX_LENGTH + " characters");
    }
  }

  public static SnapshotName parse(String value) {
    if (value == null || value.indexOf('@') < 0) {
      throw KldloadException.invalid(
          "'" + Names.printable(String.valueOf(value)) + "' is not a snapshot",
          "write DATASET@SNAP, e.g. rpool/vms/web01@golden");
    }
    int at = value.indexOf('@');
    if (value.indexOf('@', at + 1) >= 0) {
      throw KldloadException.invalid(
          "snapshot '" + Names.printable(value) + "' has more than one '@'", "write DATASET@SNAP");
    }
    return new SnapshotName(new DatasetName(value.substring(0, at)), value.substring(at + 1));
  }

  @Override
  public int compareTo(SnapshotName other) {
    return toString().compareTo(other.toString());
  }

  @Override
  public String toString() {
    return dataset.value() + "@" + snap;
  }
}
