package dev.kldload.core.value;

/** A validated VM name: {@code ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$}, no {@code ..}. */
public record VmName(String value) implements Comparable<VmName> {
  public VmName {
    Names.requireSimple("VM", value);
  }

  public static VmName of(String value) {
    return new VmName(value);
  }

  @Override
  public int compareTo(VmName other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
