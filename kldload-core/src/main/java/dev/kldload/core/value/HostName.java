package dev.kldload.core.value;

/** A validated host name: {@code ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$}, no {@code ..}. */
public record HostName(String value) implements Comparable<HostName> {
  public HostName {
    Names.requireSimple("host", value);
  }

  public static HostName of(String value) {
    return new HostName(value);
  }

  @Override
  public int compareTo(HostName other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
