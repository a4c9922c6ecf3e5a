package dev.kldload.core.value;

import dev.kldload.core.KldloadException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A ZFS filesystem or volume name ({@code pool/a/b}), validated by the OpenZFS naming rules we
 * accept: components of letters, digits, {@code _ - : .}, no {@code .} or {@code ..} components,
 * the pool name starting with a letter and not a reserved vdev word, at most 255 characters.
 * Spaces, although ZFS accepts them, are refused: they break every script that consumes our output.
 */
public record DatasetName(String value) implements Comparable<DatasetName> {
  static final int MAX_LENGTH = 255;
  private static final Pattern COMPONENT = Pattern.compile("[A-Za-z0-9_:.-]+");
  private static final Pattern RESERVED_POOL =
      Pattern.compile("(mirror|raidz|draid|spare|log|cache|special|dedup)\\d*|c\\d.*");
  private static final String HINT =
      "use components of letters, digits, '_', '-', ':' or '.', separated by '/', e.g. rpool/vms/web01";

  public DatasetName {
    validate("dataset", value);
  }

  public static DatasetName of(String value) {
    return new DatasetName(value);
  }

  static void validate(String kind, String value) {
    if (value == null || value.isEmpty()) {
      throw KldloadException.invalid(kind + " name is empty", HINT);
    }
    String shown = Names.printable(value);
    if (value.length() > MAX_LENGTH) {
      throw KldloadException.invalid(
          kind + " name '" + shown + "' is longer than " + MAX_LENGTH + " characters", HINT);
    }
    if (value.indexOf('@') >= 0 || value.indexOf('#') >= 0 || value.indexOf('%') >= 0) {
      throw KldloadException.invalid(
          kind + " name '" + shown + "' contains '@', '#' or '%'",
          "a dataset name has no snapshot part; write the snapshot separately as DATASET@SNAP");
    }
    if (value.startsWith("/") || value.endsWith("/") || value.contains("//")) {
      throw KldloadException.invalid(kind + " name '" + shown + "' has an empty component", HINT);
    }
    String[] parts = value.split("/", -1);
    for (String part : parts) {
      if (!COMPONENT.matcher(part).matches() || part.equals(".") || part.equals("..")) {
        throw KldloadException.invalid(
            kind + " name '" + shown + "' has an invalid component '" + Names.printable(part) + "'",
            HINT);
      }
    }
    String pool = parts[0];
    if (!Character.isLetter(pool.charAt(0)) || RESERVED_POOL.matcher(pool).matches()) {
      throw KldloadException.invalid(
          kind + " name '" + shown + "': pool name '" + pool + "' is not valid",
          "a pool name starts with a letter and is not a reserved word (mirror, raidz, log, …)");
    }
  }

  public String pool() {
    int slash = value.indexOf('/');
    return slash < 0 ? value : value.substring(0, slash);
  }

  public Optional<DatasetName> parent() {
    int slash = value.lastIndexOf('/');
    return slash < 0 ? Optional.empty() : Optional.of(new DatasetName(value.substring(0, slash)));
  }

  /** The last component ({@code web01} for {@code rpool/vms/web01}). */
  public String leaf() {
    return value.substring(value.lastIndexOf('/') + 1);
  }

  public DatasetName child(String component) {
    return new DatasetName(value + "/" + component);
  }

  public SnapshotName snapshot(String snap) {
    return new SnapshotName(this, snap);
  }

  public boolean isAncestorOf(DatasetName other) {
    return other.value.startsWith(value + "/");
  }

  public List<String> components() {
    return List.of(value.split("/"));
  }

  @Override
  public int compareTo(DatasetName other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
