package dev.kldload.core.value;

/** A validated cluster name: {@code ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$}, no {@code ..}. */
public record ClusterName(String value) implements Comparable<ClusterName> {
  public ClusterName {
    Names.requireSimple("cluster", value);
  }

  public static ClusterName of(String value) {
    return new ClusterName(value);
  }

  @Override
  public int compareTo(ClusterName other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
