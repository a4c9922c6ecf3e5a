package dev.kldload.core.value;

import dev.kldload.core.KldloadException;

/** A node's number in the address plan: the last octet of its mesh addresses, 1–254. */
public record NodeId(int value) implements Comparable<NodeId> {
  public NodeId {
    if (value < 1 || value > 254) {
      throw KldloadException.invalid(
          "node id " + value + " is out of range", "a node id is a number from 1 to 254");
    }
  }

  public static NodeId of(int value) {
    return new NodeId(value);
  }

  public static NodeId parse(String text) {
    try {
      return new NodeId(Integer.parseInt(text.trim()));
    } catch (NumberFormatException e) {
      throw KldloadException.invalid(
          "node id '" + Names.printable(text) + "' is not a number",
          "a node id is a number from 1 to 254");
    }
  }

  @Override
  public int compareTo(NodeId other) {
    return Integer.compare(value, other.value);
  }

  @Override
  public String toString() {
    return Integer.toString(value);
  }
}
